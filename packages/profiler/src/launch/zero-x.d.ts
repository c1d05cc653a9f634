// The part of 0x's programmatic API that launch-0x.ts uses (0x ships no type declarations).
declare module '0x' {
  interface ZeroEksOptions {
    argv: string[];
    workingDir: string;
    outputDir?: string;
    pathToNodeBinary?: string;
    kernelTracing?: boolean;
    collectOnly?: boolean;
    name?: string;
    status?: (message: string) => void;
    onProcessExit?: (code: number | null) => void;
  }
  /** Runs the command to its end and resolves with the folder holding what was collected. */
  function zeroEks(options: ZeroEksOptions): Promise<string>;
  export default zeroEks;
}
