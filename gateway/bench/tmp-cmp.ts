import { readFileSync } from 'node:fs';
import { detect as mine } from '../src/redaction/index.js';
// @ts-ignore
import { detect as base } from '/work/main/gateway/src/redaction/index.js';
const texts = readFileSync('/work/shared/pii/dev.jsonl','utf8').trim().split('\n').map(l=>JSON.parse(l).text);
let ps:string[]=[],cur='';for(let i=0;ps.length<200;i++){cur+=texts[i%texts.length]+'\n';if(cur.length>=2048){ps.push(cur.slice(0,2048));cur='';}}
for (const tier of ['fast','full'] as const) {
  const t: Record<string, number[]> = { base: [], mine: [] };
  for (const p of ps) { base(p,{tier}); mine(p,{tier}); }
  for(let r=0;r<10;r++) for (const p of ps){ for (const [n,f] of [['base',base],['mine',mine]] as const) { const t0=performance.now(); (f as typeof mine)(p,{tier}); t[n]!.push(performance.now()-t0);} }
  for (const n of ['base','mine']) { const a=t[n]!.sort((x,y)=>x-y); console.log(tier, n, 'p50', a[a.length>>1]!.toFixed(3), 'p90', a[Math.floor(a.length*0.9)]!.toFixed(3)); }
}
