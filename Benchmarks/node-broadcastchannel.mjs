// The fanout workload of `tabsim bench` on Node's built-in BroadcastChannel, for comparison.
// One tab posts M state updates (a string key alternating and a counter); every other tab
// receives each one and applies it to its own state. Prints JSON lines {name, value, unit}.
// Usage: node Benchmarks/node-broadcastchannel.mjs [updates=200000] [rounds=3]
const updates = Number(process.argv[2] ?? 200000);
const rounds = Number(process.argv[3] ?? 3);

function run(tabs) {
  return new Promise((resolve) => {
    const channels = [];
    const expected = updates * (tabs - 1);
    let applied = 0;
    let start;
    for (let i = 0; i < tabs; i++) {
      const ch = new BroadcastChannel('bench-sync');
      const state = { theme: 'light', counter: 0 };
      if (i > 0) {
        ch.onmessage = (ev) => {
          const m = ev.data;
          if (m.type !== 'STATE_UPDATE') return;
          for (const key of m.payload.keys) state[key] = m.payload.state[key];
          applied++;
          if (applied === expected) {
            const seconds = Number(process.hrtime.bigint() - start) / 1e9;
            for (const c of channels) c.close();
            resolve(expected / seconds);
          }
        };
      }
      channels.push(ch);
    }
    start = process.hrtime.bigint();
    for (let n = 0; n < updates; n++) {
      channels[0].postMessage({
        type: 'STATE_UPDATE', tabId: 'tab-0', timestamp: n,
        payload: { state: { theme: n % 2 ? 'dark' : 'light', counter: n }, keys: ['theme', 'counter'] },
      });
    }
  });
}

for (const tabs of [2, 4, 8]) {
  let best = 0;
  for (let r = 0; r < rounds; r++) best = Math.max(best, await run(tabs));
  console.log(JSON.stringify({ name: `fanout.tabs${tabs}.deliveries_per_s`, value: Math.round(best), unit: 'deliveries/s' }));
}
