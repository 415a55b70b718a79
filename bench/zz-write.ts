import { writeFileSync } from 'node:fs';
import { fullTableAt, generateTable } from './lib/gen-table.js';
const { ipv4, ipv6 } = fullTableAt(Number(process.argv[2]));
const t = generateTable({ ipv4, ipv6, packed: process.argv[3] === 'packed' });
writeFileSync(process.argv[4]!, t.stream);
console.log(t.routes, t.messages, t.stream.length);
