/**
 * Just enough typing for the untyped LiveView clients the tests load (the phoenix package
 * and phoenix_live_view before 1.1 ship no declarations; `plv12` ships its own).
 */
declare module 'phoenix' {
  export const Socket: new (endPoint: string, opts?: Record<string, unknown>) => unknown;
}
declare module 'plv10' {
  export const LiveSocket: new (url: string, socket: unknown, opts?: Record<string, unknown>) => unknown;
}
declare module 'plv020' {
  export const LiveSocket: new (url: string, socket: unknown, opts?: Record<string, unknown>) => unknown;
}

/**
 * LiveViewJS 0.8.1 ships declarations its package.json "exports" does not point to; the
 * few parts the test server uses.
 */
declare module 'liveviewjs' {
  export interface LvSocket<C, I> {
    context: C;
    assign(c: Partial<C>): void;
    pushEvent(e: { type: string; [k: string]: unknown }): void;
    pageTitle(title: string): void;
    sendInfo(info: I): void;
  }
  export interface LiveView {
    readonly __liveView?: true;
  }
  export type LiveViewRouter = Record<string, LiveView>;
  export function createLiveView<C, E, I>(params: {
    mount?: (socket: LvSocket<C, I>) => void | Promise<void>;
    handleEvent?: (event: E, socket: LvSocket<C, I>) => void | Promise<void>;
    handleInfo?: (info: I, socket: LvSocket<C, I>) => void | Promise<void>;
    render(context: C): unknown;
  }): LiveView;
  export function html(statics: TemplateStringsArray, ...dynamics: unknown[]): unknown;
  export function safe(value: unknown): unknown;
  export function live_title_tag(title: string): unknown;
}
declare module '@liveviewjs/express' {
  export class NodeExpressLiveViewServer {
    constructor(router: unknown, page: unknown, title: { title: string }, options?: Record<string, unknown>);
    httpMiddleware(): import('express').RequestHandler;
    wsMiddleware(): (wss: import('ws').WebSocketServer) => Promise<void>;
  }
}
