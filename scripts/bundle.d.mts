export declare const root: string;
/** The bundled CLI's files, not written: `cli.js` (the bin), `main.js`, `chunks/*.js`. */
export declare function bundleCli(): Promise<{ fileName: string; contents: string | Uint8Array; mode: number }[]>;
