// The part of autocannon 8's programmatic API the benchmark uses (the package ships no typings).
declare module "autocannon" {
  export type Context = Record<string, unknown>;

  export interface RequestSpec {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    /** Returns the request to send; a falsy value restarts the client's sequence from the first request. */
    setupRequest?: (request: RequestSpec, context: Context) => RequestSpec | null;
    onResponse?: (status: number, body: string, context: Context, headers: Record<string, string | string[]>) => void;
  }

  export interface Options {
    url: string;
    connections?: number;
    duration?: number;
    amount?: number;
    pipelining?: number;
    timeout?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    requests?: RequestSpec[];
    /** Called once for each connection, before its first request. */
    setupClient?: (client: { setHeaders(headers: Record<string, string>): void }) => void;
  }

  export interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p99: number;
  }

  export interface Result {
    requests: Histogram;
    latency: Histogram;
    throughput: Histogram;
    errors: number;
    timeouts: number;
    /** Seconds. */
    duration: number;
    "2xx": number;
    "3xx": number;
    "4xx": number;
    "5xx": number;
    non2xx: number;
  }

  export default function autocannon(options: Options): PromiseLike<Result>;
}
