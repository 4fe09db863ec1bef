#!/usr/bin/env node
// The spec (../shared/spec/SYNC.md), taken at its word: `createBroadcastSync(store, config)` as its
// text and its public reference implementation describe it, so that TabSync's simulator can put a
// spec tab beside its own tabs and let the checker judge both. Run as an external tab:
//   node Examples/external/spec-tab.mjs          (this module, through node-tab.mjs)
//
// Kept on purpose, because the spec says so (see Documentation/ReferenceBugs.md and README,
// "Your own implementation as a tab"):
// - last-write-wins is "remote state always overwrites local state": arrival order. Two tabs that
//   edit one key at once each end with the other's value (reference bug 6).
// - incoming keys are not checked against this tab's syncKeys/excludeKeys: only what it sends is
//   filtered, so another tab can write an excluded key here (reference bug 9).
// - every STATE_REQUEST is answered with the full state, broadcast to everyone.
// - election: the oldest (lowest Date.now() at creation) answers LEADER_ELECTION by announcing;
//   a LEADER_ANNOUNCE makes any tab follow its sender; heartbeats are never checked, so there is
//   no re-election (reference bug 2); stop() says no goodbye. The connected count only grows.
// Not kept: the reference's throttle that forgets keys (bug 5) and its timer leak on an early
// stop() (bug 4): they would hide the faults these examples show.

/** Plain objects merge key by key; anything else is replaced. */
function deepMerge(local, remote) {
  const isPlain = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isPlain(local) || !isPlain(remote)) return remote;
  const out = { ...local };
  for (const k of Object.keys(remote)) out[k] = deepMerge(local[k], remote[k]);
  return out;
}

export function createBroadcastSync(store, config) {
  const {
    channelName,
    syncKeys = [],
    excludeKeys = [],
    throttleMs = 0,
    debounceMs = 0,
    conflictStrategy = 'last-write-wins',
    customResolver,
    enableLeaderElection = false,
    leaderHeartbeatMs = 5000,
    debug = false,
    onSyncStateChange,
    onRemoteUpdate,
    shouldSync,
  } = config;

  const tabId = `tab-${Date.now()}-${Math.random().toString(36).slice(2, 11)}`;
  const priority = Date.now(); // the tab's age: the oldest leads
  let channel = null;
  let unsubscribe = null;
  let active = false;
  let leader = false;
  let leaderId = null;
  let heartbeatTimer = null;
  let electionTimer = null;
  let startTimer = null;
  let throttleTimer = null;
  let debounceTimer = null;
  let applyingRemote = 0;
  const pending = new Set();
  const connected = new Set();

  const syncable = (key) => (syncKeys.length === 0 || syncKeys.includes(key)) && !excludeKeys.includes(key);

  function log(...args) {
    if (debug) console.info(`[BroadcastSync:${tabId.slice(-6)}]`, ...args);
  }

  function send(type, payload) {
    if (!channel) return;
    const message = { type, tabId, timestamp: Date.now() };
    if (payload !== undefined) message.payload = payload;
    log(`Sent: ${type}`, payload ?? {});
    channel.postMessage(message);
  }

  function broadcastState(keys) {
    if (!active) return;
    const state = store.getState();
    const chosen = (keys ?? Object.keys(state)).filter(syncable);
    if (chosen.length === 0) return;
    const partial = {};
    for (const k of chosen) if (state[k] !== undefined) partial[k] = state[k];
    send('STATE_UPDATE', { state: partial, keys: chosen });
  }

  function flush() {
    const keys = [...pending];
    pending.clear();
    if (keys.length) broadcastState(keys);
  }

  function schedule(keys) {
    for (const k of keys) pending.add(k);
    if (debounceMs > 0) {
      clearTimeout(debounceTimer);
      debounceTimer = setTimeout(flush, debounceMs);
    } else if (throttleMs > 0) {
      if (throttleTimer) return; // the trailing call sends what gathered meanwhile
      flush();
      const trail = () => {
        throttleTimer = null;
        if (pending.size) {
          flush();
          throttleTimer = setTimeout(trail, throttleMs);
        }
      };
      throttleTimer = setTimeout(trail, throttleMs);
    } else {
      flush();
    }
  }

  function onStoreChange(state, previous) {
    if (!active || applyingRemote > 0) return;
    if (shouldSync && !shouldSync(previous, state)) return;
    const keys = new Set([...Object.keys(state), ...Object.keys(previous)]);
    const changed = [...keys].filter((k) => state[k] !== previous[k] && syncable(k));
    if (changed.length) schedule(changed);
  }

  function applyRemote(remote, source) {
    const local = store.getState();
    let next;
    switch (conflictStrategy) {
      case 'first-write-wins':
        next = {};
        for (const k of Object.keys(remote)) if (local[k] === undefined) next[k] = remote[k];
        break;
      case 'merge':
        next = {};
        for (const k of Object.keys(remote)) next[k] = deepMerge(local[k], remote[k]);
        break;
      case 'custom':
        next = customResolver ? customResolver(local, remote) : remote;
        break;
      default:
        next = remote; // remote state always overwrites local state, every key it carries
    }
    applyingRemote++;
    try {
      store.setState(next);
    } finally {
      applyingRemote--;
    }
    onRemoteUpdate?.(Object.keys(remote), source);
  }

  function setLeader(value) {
    if (leader === value) return;
    leader = value;
    if (!value) {
      clearInterval(heartbeatTimer);
      heartbeatTimer = null;
    }
    onSyncStateChange?.(value ? 'leader' : 'follower');
  }

  function becomeLeader() {
    leaderId = tabId;
    setLeader(true);
    clearInterval(heartbeatTimer);
    heartbeatTimer = setInterval(() => send('HEARTBEAT', { leaderId: tabId }), leaderHeartbeatMs);
    send('LEADER_ANNOUNCE', { leaderId: tabId });
  }

  function startElection() {
    startTimer = null;
    send('LEADER_ELECTION', { priority });
    electionTimer = setTimeout(() => {
      electionTimer = null;
      if (!leaderId) becomeLeader();
    }, 500);
  }

  function handleMessage(event) {
    const m = event.data;
    if (!m || typeof m !== 'object' || m.tabId === tabId) return;
    log(`Received: ${m.type} from ${String(m.tabId).slice(-6)}`);
    switch (m.type) {
      case 'STATE_UPDATE':
      case 'STATE_RESPONSE':
        if (m.payload?.state) applyRemote(m.payload.state, m.tabId);
        break;
      case 'STATE_REQUEST':
        broadcastState();
        break;
      case 'TAB_PING':
        connected.add(m.tabId);
        send('TAB_PONG');
        break;
      case 'TAB_PONG':
        connected.add(m.tabId);
        break;
      case 'LEADER_ELECTION':
        if (enableLeaderElection && typeof m.payload?.priority === 'number' && priority < m.payload.priority) {
          becomeLeader();
        }
        break;
      case 'LEADER_ANNOUNCE':
        if (!enableLeaderElection) break;
        leaderId = m.payload?.leaderId ?? m.tabId;
        if (leaderId !== tabId) setLeader(false);
        break;
      case 'HEARTBEAT':
        if (enableLeaderElection) leaderId = m.payload?.leaderId ?? m.tabId;
        break;
      default:
        break; // a type the spec does not know: ignored
    }
  }

  return {
    start() {
      if (active) return;
      if (typeof BroadcastChannel === 'undefined') {
        onSyncStateChange?.('disconnected');
        return;
      }
      channel = new BroadcastChannel(channelName);
      channel.onmessage = handleMessage;
      unsubscribe = store.subscribe(onStoreChange);
      active = true;
      send('TAB_PING');
      send('STATE_REQUEST');
      if (enableLeaderElection) startTimer = setTimeout(startElection, 100);
      onSyncStateChange?.('connected');
    },
    stop() {
      if (!active) return;
      active = false;
      for (const t of [startTimer, electionTimer, throttleTimer, debounceTimer]) clearTimeout(t);
      clearInterval(heartbeatTimer);
      heartbeatTimer = null;
      unsubscribe?.();
      channel?.close();
      channel = null;
      leader = false;
      onSyncStateChange?.('disconnected');
    },
    isActive: () => active,
    isLeader: () => leader,
    getTabId: () => tabId,
    requestState: () => send('STATE_REQUEST'),
    broadcastState,
    getConnectedTabs: () => connected.size, // the other tabs heard of, never forgotten
    forceLeader() {
      if (active) becomeLeader();
    },
    /** Not in the spec's API: the leader this tab follows, for the simulator's panes and checks. */
    getLeaderId: () => (leader ? tabId : leaderId),
  };
}

// Run directly, this module is its own tab, through the harness beside it.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { runTab } = await import('./node-tab.mjs');
  runTab(createBroadcastSync);
}
