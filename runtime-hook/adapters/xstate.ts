/**
 * XState v5 inspection: `createActor(machine, { inspect: hindsightInspect() })`. Every actor
 * is a process (spawned and invoked actors are children of their parent's process); every
 * event delivered to an actor is a message in its mailbox, with the sender in the payload
 * and linked to the message the sender was handling; every snapshot is a step.
 *
 * Jump is off: an actor's snapshot cannot be set from outside without restarting it (and
 * its children), so the panel says "cannot jump"; replay needs the recorded start state
 * set first, so it is off too (send the events again from the app instead).
 * No import of XState: only the documented inspection events are read.
 */
import type { Adapter } from '../adapter';
import { getHindsight, type Hook, type MessageHandle, type ProcessHandle } from '../hook';

interface ActorRefLike {
  id?: string;
  sessionId?: string;
  systemId?: string;
  _parent?: ActorRefLike;
  src?: unknown;
  send?: (event: unknown) => void;
  getSnapshot?: () => unknown;
}
/** The XState inspection events this adapter reads (a subset of `InspectionEvent`). */
export interface InspectionEventLike {
  type: string;
  actorRef: ActorRefLike;
  sourceRef?: ActorRefLike;
  event?: { type: string; [k: string]: unknown };
  snapshot?: unknown;
}

export interface HindsightInspectOptions {
  /** Name an actor's process (default: its system id, else its id). */
  name?: (actor: ActorRefLike) => string;
}

interface ActorProc {
  proc: ProcessHandle;
  /** Delivered events not yet processed, in mailbox order. */
  pending: { event: unknown; msg: MessageHandle }[];
  /** The message being processed (the cause of events this actor sends). */
  current?: MessageHandle;
  exited?: boolean;
  /** The newest snapshot seen. */
  last?: unknown;
}

/** The serializable part of a snapshot: value, context, status (and output / error). */
function stateOf(snapshot: unknown): unknown {
  if (snapshot === null || typeof snapshot !== 'object') return snapshot;
  const s = snapshot as Record<string, unknown>;
  const out: Record<string, unknown> = { status: s.status };
  if ('value' in s) out.value = s.value;
  if ('context' in s) out.context = s.context;
  if (s.output !== undefined) out.output = s.output;
  if (s.error !== undefined) out.error = s.error;
  return out;
}

/** Its system id, else its id, except XState's generated ids (`x:0`): then the machine's id. */
const actorName = (a: ActorRefLike | undefined): string | undefined => {
  if (!a) return undefined;
  const machineId = (a.src as { id?: unknown } | undefined)?.id;
  if (a.systemId) return a.systemId;
  if (a.id && !/^x:\d+$/.test(a.id)) return a.id;
  return typeof machineId === 'string' ? machineId : (a.id ?? a.sessionId);
};

export const xstateAdapter: Adapter<HindsightInspectOptions, (ev: InspectionEventLike) => void> = {
  name: 'xstate',
  attach(options, hook) {
    const actors = new Map<string, ActorProc>();
    const ensure = (ref: ActorRefLike): ActorProc => {
      const key = ref.sessionId ?? String(ref.id);
      let a = actors.get(key);
      if (a) return a;
      const parent = ref._parent ? ensure(ref._parent).proc : undefined;
      const proc = hook.process({
        name: options.name ? options.name(ref) : (actorName(ref) ?? 'actor'),
        kind: 'actor',
        parent,
        getState: () => stateOf(a?.last ?? ref.getSnapshot?.()),
      });
      a = { proc, pending: [] };
      actors.set(key, a);
      return a;
    };
    return (ev) => {
      if (!hook.active || !ev?.actorRef) return;
      const a = ensure(ev.actorRef);
      if (ev.type === '@xstate.event' && ev.event) {
        const from = ev.sourceRef ? actors.get(ev.sourceRef.sessionId ?? String(ev.sourceRef.id)) : undefined;
        const payload: Record<string, unknown> = { event: ev.event };
        if (ev.sourceRef) payload.from = actorName(ev.sourceRef);
        const msg = a.proc.queue(ev.event.type, payload, 'event', from?.current);
        a.pending.push({ event: ev.event, msg });
        if (a.pending.length === 1) {
          msg.start();
          a.current = msg;
        }
      } else if (ev.type === '@xstate.snapshot') {
        a.last = ev.snapshot;
        const i = a.pending.findIndex((p) => p.event === ev.event);
        const handled = i >= 0 ? a.pending.splice(0, i + 1) : [];
        const msg = handled[handled.length - 1]?.msg;
        // Earlier pending entries were dropped by the actor (e.g. after it stopped).
        for (const h of handled) h.msg.start();
        a.proc.step({ name: ev.event?.type ?? 'snapshot' }, stateOf(ev.snapshot), msg);
        for (const h of handled) h.msg.done();
        a.current = undefined;
        const nextMsg = a.pending[0]?.msg;
        if (nextMsg) {
          nextMsg.start();
          a.current = nextMsg;
        }
        const status = (ev.snapshot as { status?: string } | undefined)?.status;
        if (!a.exited && (status === 'done' || status === 'stopped' || status === 'error')) {
          a.exited = true;
          if (status === 'error') a.proc.status('crashed', 'error');
          a.proc.exit(status);
        }
      }
    };
  },
};

/** `createActor(machine, { inspect: hindsightInspect() })`. */
export function hindsightInspect(
  options: HindsightInspectOptions = {},
  hook: Hook = getHindsight(),
): (ev: InspectionEventLike) => void {
  return xstateAdapter.attach(options, hook);
}
