/**
 * A LiveView process's capture (capture.ts's immutable engine over the merged rendered tree,
 * as the observer sets it up) against the full reference, on every recorded transcript: each
 * step's value, stats and delta equal what `serialize` and `diff` of the state give. The engine
 * trusts references, so this holds only while RenderedTree merges copy-on-write: a merge or a
 * render that changed an old object in place would fail here.
 */
import { describe, expect, it } from 'vitest';
import { immutableCapture, sizedImmutableCapture } from '../../runtime-hook/capture';
import { RenderedTree } from '../../runtime-hook/liveview/rendered';
import { loadTopics, step } from '../support/liveview-topics';
import { checkStep, type Prev } from './capture-arbitraries';

const topics = loadTopics();

describe('LiveView capture on the recorded transcripts', () => {
  it('finds the fixtures', () => {
    expect(topics.length).toBeGreaterThan(20);
  });

  for (const topic of topics)
    it(`${topic.fixture} ws${topic.ws} ${topic.topic}`, () => {
      // The engine alone, and as the observer uses it: switching with the state's size (a low
      // line here, so that transcripts cross it both ways).
      for (const sized of [false, true]) {
        const tree = new RenderedTree();
        const cap = sized ? sizedImmutableCapture(600) : immutableCapture();
        const prev: Prev = {};
        let steps = 0;
        topic.frames.forEach((frame, i) => {
          const s = step(frame);
          if (!s) return;
          if (s[0] === 'join') tree.reset(s[1]);
          else tree.merge(s[1]);
          // The observer renders for previews: that must leave the tree as it was, too.
          tree.toHTML();
          const state = { rendered: tree.tree, streams: tree.streams, title: tree.title };
          const where = `${sized ? 'sized, ' : ''}frame ${i}`;
          const { walk, delta } = checkStep(cap, state, {}, prev, where);
          // After the first, every step of the engine (a rejoin's too) follows the changed
          // references only.
          if (steps++ && !sized) expect({ walk, delta }, where).toEqual({ walk: undefined, delta: true });
        });
        expect(steps).toBeGreaterThan(0);
      }
    });
});
