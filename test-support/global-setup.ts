// Starts the services the test suite needs (FerretDB for the Mongo store's contract suite) once per run,
// and hands their addresses to the tests through environment variables.
import { startServices, type Services } from './services.js';

let services: Services | undefined;

export async function setup(): Promise<void> {
  services = await startServices();
}

export async function teardown(): Promise<void> {
  await services?.stop();
}
