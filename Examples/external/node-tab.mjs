#!/usr/bin/env node
// An external tab for TabSync's simulator, in Node: `node Examples/external/node-tab.mjs MODULE`.
//
// MODULE is any ES module exporting the spec's `createBroadcastSync(store, config)` (a TypeScript
// module runs directly under Node >= 22.6, which strips types). This harness gives it what a
// browser page would: a zustand-like store, a BroadcastChannel, timers, `Date.now()`,
// `new Date()` and `Math.random()`, all virtual: they run on the simulator's clock and seed, so
// the module is a deterministic function of the lines it reads.
//
// The protocol (README, "Your own implementation as a tab"): one JSON object per line on stdin,
// one answer per line on stdout. Every request has `type`, `at` (simulation ms: timers) and
// `wall` (the tab's Date.now()). Before doing what a request asks, every timer due by `at` runs,
// in due order, each at its own due time. The answer lists the frames posted, the store changes,
// the role, the leader followed, the connected count and the next timer deadline (`next`, after `at`).
// Whatever the module writes with console.* goes to stderr: stdout carries only answers.

import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { format } from 'node:util';

const RealDate = Date;
const realSetImmediate = setImmediate;
/** The most timer callbacks one request may run: a module re-arming a timer forever is a bug. */
const MAX_TIMER_RUNS = 100000;

// --- The virtual clock ---------------------------------------------------------------------------
let now = 0; // simulation ms (`at`)
let skew = 0; // wall - at
const timers = new Map(); // id -> { due, seq, fn, args, interval }
let nextTimerId = 1;
let timerSeq = 0;

function addTimer(fn, delay, args, repeat) {
  const ms = Math.max(1, Math.floor(Number(delay) || 0)); // as Node: at least 1 ms
  const id = nextTimerId++;
  timers.set(id, { due: now + ms, seq: timerSeq++, fn, args, interval: repeat ? ms : 0 });
  return id;
}

function runTimersUntil(limit) {
  let runs = 0;
  for (;;) {
    let id = null;
    let best = null;
    for (const [tid, t] of timers) {
      if (t.due <= limit && (best === null || t.due < best.due || (t.due === best.due && t.seq < best.seq))) {
        id = tid;
        best = t;
      }
    }
    if (best === null) break;
    if (++runs > MAX_TIMER_RUNS) throw new Error(`more than ${MAX_TIMER_RUNS} timer runs in one request`);
    now = Math.max(now, best.due);
    if (best.interval > 0) {
      best.due += best.interval;
      best.seq = timerSeq++;
    } else {
      timers.delete(id);
    }
    guarded(() => (typeof best.fn === 'function' ? best.fn(...best.args) : undefined));
  }
  now = Math.max(now, limit);
}

function nextDue() {
  let due = null;
  for (const t of timers.values()) if (due === null || t.due < due) due = t.due;
  return due;
}

/** As a browser: an exception in a callback is reported and the page goes on. */
function guarded(fn) {
  try {
    fn();
  } catch (e) {
    process.stderr.write(`uncaught: ${e && e.stack ? e.stack : e}\n`);
  }
}

// --- Seeded randomness (mulberry32) --------------------------------------------------------------
let randomState = 1;
function random() {
  randomState = (randomState + 0x6d2b79f5) >>> 0;
  let t = randomState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

// --- BroadcastChannel ----------------------------------------------------------------------------
const outbox = [];
const channels = new Set();

class VirtualBroadcastChannel {
  constructor(name) {
    this.name = String(name);
    this.onmessage = null;
    this.listeners = new Set();
    channels.add(this);
  }
  postMessage(data) {
    if (!channels.has(this)) throw new Error('BroadcastChannel is closed');
    outbox.push(JSON.parse(JSON.stringify(data ?? null))); // structured clone, as far as JSON goes
  }
  addEventListener(type, listener) {
    if (type === 'message') this.listeners.add(listener);
  }
  removeEventListener(type, listener) {
    if (type === 'message') this.listeners.delete(listener);
  }
  close() {
    channels.delete(this);
  }
  dispatch(data) {
    const event = { data, type: 'message' };
    if (typeof this.onmessage === 'function') guarded(() => this.onmessage(event));
    for (const l of this.listeners) guarded(() => (typeof l === 'function' ? l(event) : l.handleEvent(event)));
  }
}

// --- The page's globals, virtual -----------------------------------------------------------------
class VirtualDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(now + skew);
    else super(...args);
  }
  static now() {
    return now + skew;
  }
}
globalThis.Date = VirtualDate;
Math.random = random;
globalThis.setTimeout = (fn, delay, ...args) => addTimer(fn, delay, args, false);
globalThis.setInterval = (fn, delay, ...args) => addTimer(fn, delay, args, true);
globalThis.clearTimeout = (id) => timers.delete(id);
globalThis.clearInterval = (id) => timers.delete(id);
globalThis.BroadcastChannel = VirtualBroadcastChannel;
for (const name of ['log', 'info', 'debug', 'trace', 'dir', 'table']) {
  console[name] = (...args) => process.stderr.write(format(...args) + '\n');
}

// --- A zustand-like store ------------------------------------------------------------------------
function createStore(initial) {
  let state = { ...initial };
  const listeners = new Set();
  const api = {
    getState: () => state,
    getInitialState: () => initial,
    setState(partial, replace) {
      const next = typeof partial === 'function' ? partial(state) : partial;
      if (Object.is(next, state)) return;
      const previous = state;
      state = replace ? { ...next } : { ...state, ...next };
      for (const l of [...listeners]) guarded(() => l(state, previous));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const useStore = (selector) => (selector ? selector(state) : state);
  return Object.assign(useStore, api);
}

// --- The protocol ----------------------------------------------------------------------------------
function keyText(v) {
  return v === undefined ? undefined : JSON.stringify(v);
}

/** Runs one tab: `factory` is the module's createBroadcastSync, or a promise of the module. */
export async function runTab(load) {
  Promise.resolve(load).catch(() => {}); // a module that fails to load is an answer to 'init', not a crash
  let store = null;
  let sync = null;
  let enableLeaderElection = false;
  let heardLeader = null;
  const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
  const write = (answer) => process.stdout.write(JSON.stringify(answer) + '\n');

  for await (const line of input) {
    let request;
    try {
      request = JSON.parse(line);
    } catch {
      write({ error: `not JSON: ${line.slice(0, 80)}` });
      continue;
    }
    try {
      const at = Number(request.at);
      const wall = Number(request.wall);
      if (!Number.isFinite(at) || !Number.isFinite(wall)) throw new Error("a request needs numbers 'at' and 'wall'");
      runTimersUntil(at);
      skew = wall - at;
      const before = store ? { ...store.getState() } : {};
      switch (request.type) {
        case 'init': {
          randomState = Number(request.seed) >>> 0;
          const factory = await load;
          if (typeof factory !== 'function') throw new Error('the module exports no createBroadcastSync function');
          store = createStore(request.state ?? {});
          enableLeaderElection = !!request.config?.enableLeaderElection;
          sync = factory(store, { ...request.config, debug: false });
          break;
        }
        case 'start':
          sync.start();
          break;
        case 'deliver': {
          const frame = request.frame;
          if (frame && (frame.type === 'LEADER_ANNOUNCE' || frame.type === 'HEARTBEAT')) {
            heardLeader = frame.payload?.leaderId ?? frame.tabId;
          }
          for (const ch of [...channels]) ch.dispatch(frame);
          break;
        }
        case 'advance':
          break;
        case 'setState':
          store.setState(request.state ?? {});
          break;
        case 'forceLeader':
          sync.forceLeader();
          break;
        case 'requestState':
          sync.requestState();
          break;
        case 'broadcastState':
          sync.broadcastState(request.keys);
          break;
        case 'stop':
          sync.stop();
          break;
        default:
          throw new Error(`unknown request type '${request.type}'`);
      }
      // Promise jobs the module started, then timers they armed for now.
      await new Promise((r) => realSetImmediate(r));
      runTimersUntil(at);
      const answer = { frames: outbox.splice(0) };
      if (request.type === 'init') answer.tabId = sync.getTabId();
      const after = store.getState();
      const changes = {};
      for (const k of Object.keys(after)) {
        if (after[k] !== undefined && keyText(after[k]) !== keyText(before[k])) changes[k] = after[k];
      }
      const removed = Object.keys(before).filter((k) => before[k] !== undefined && after[k] === undefined);
      if (Object.keys(changes).length) answer.changes = changes;
      if (removed.length) answer.removed = removed;
      const leads = !!sync.isLeader();
      answer.role = leads ? 'leader' : enableLeaderElection && sync.isActive() ? 'follower' : 'none';
      answer.leaderId = leads ? sync.getTabId() : (sync.getLeaderId?.() ?? heardLeader ?? null);
      answer.connectedTabs = Number(sync.getConnectedTabs()) || 0;
      answer.next = nextDue();
      write(answer);
    } catch (e) {
      write({ error: String(e && e.stack ? e.stack : e) });
    }
  }
  process.exit(0);
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  const path = process.argv[2];
  if (!path) {
    process.stderr.write('usage: node node-tab.mjs MODULE (an ES module exporting createBroadcastSync)\n');
    process.exit(2);
  }
  runTab(import(pathToFileURL(resolve(path)).href).then((m) => m.createBroadcastSync ?? m.default?.createBroadcastSync));
}
