export declare const consoleDir: string;
export declare function ensureBuild(): void;
