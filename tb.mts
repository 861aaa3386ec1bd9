const n = 8192; const a = new Float64Array(n).map((_, i) => Math.sin(i) * 2); const o = new Float64Array(n);
const time = (name: string, f: () => void) => { for (let r = 0; r < 300; r++) f(); const t0 = performance.now(); const N = 5000; for (let r = 0; r < N; r++) f(); console.log(name, ((performance.now() - t0) / N * 1000).toFixed(1), 'us'); };
time('tanh', () => { for (let i = 0; i < n; i++) o[i] = Math.tanh(a[i]); });
time('exp', () => { for (let i = 0; i < n; i++) { const e = Math.exp(2 * a[i]); o[i] = 1 - 2 / (e + 1); } });
let m = 0; for (let i = 0; i < n; i++) { const e = Math.exp(2 * a[i]); m = Math.max(m, Math.abs(1 - 2 / (e + 1) - Math.tanh(a[i]))); } console.log('maxerr', m);
