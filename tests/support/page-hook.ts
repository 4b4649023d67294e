/**
 * A real hook on an in-memory transport, connected and synced as the extension does it: what
 * the page posts goes to `post` (with `send`, to answer), and `send` delivers a panel command.
 */
import { Hook } from '../../runtime-hook/hook';
import { type Command, EXT_SOURCE, PROTOCOL_VERSION } from '../../runtime-hook/protocol';

type Send = (cmd: Command) => void;

export function pageHook(post: (m: unknown, send: Send) => void): { hook: Hook; send: Send } {
  let listener: ((d: unknown) => void) | undefined;
  const hook = new Hook({
    transport: {
      post: (m) => post(m, send),
      listen: (cb) => {
        listener = cb;
      },
    },
  });
  // A declaration: the hook posts its hello from its constructor, before `send` could be a const.
  function send(cmd: Command): void {
    listener?.({ source: EXT_SOURCE, v: PROTOCOL_VERSION, kind: 'command', session: hook.session, cmd });
  }
  listener?.({ source: EXT_SOURCE, v: PROTOCOL_VERSION, kind: 'connect' });
  send({ type: 'sync', since: 0 });
  return { hook, send };
}
