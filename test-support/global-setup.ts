// Starts the services the test suite needs (FerretDB for the Mongo store's contract suite, VictoriaLogs for the
// log-engine source and log shipping) once per run, and hands their addresses to the tests through environment
// variables.
import { startServices, type Services } from './services.js';
import { startSharedVictoriaLogs } from './victorialogs.js';

let services: Services | undefined;
let vlogs: { stop(): Promise<void> } | undefined;

export async function setup(): Promise<void> {
  services = await startServices();
  vlogs = await startSharedVictoriaLogs();
}

export async function teardown(): Promise<void> {
  await services?.stop();
  await vlogs?.stop();
}
