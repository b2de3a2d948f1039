const fs = require('fs');
const file = process.argv[2];
const p = JSON.parse(fs.readFileSync(file));
const self = new Map(); const total = new Map();
const byId = new Map(p.nodes.map(n => [n.id, n]));
const dt = new Map();
for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) || 0) + (p.timeDeltas[i] || 0));
const name = n => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`;
let sum = 0;
for (const n of p.nodes) { const t = (dt.get(n.id) || 0) / 1000; sum += t; const k = name(n); self.set(k, (self.get(k) || 0) + t); }
console.log('total ms', sum.toFixed(0));
console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([k, v]) => v.toFixed(0).padStart(7) + ' ' + k).join('\n'));
