/**
 * Grouping accuracy on small synthetic logs with known groups. The lines are written here, modeled on
 * the public formats of loghub's samples (https://github.com/logpai/loghub: HDFS, OpenSSH, Apache,
 * Linux syslog, Spark, Android); no data is copied. Each generator returns [group, line]. Some lines
 * carry their whole header (timestamp, level, logger), some only the message, as a source may send.
 * The full loghub measurement is bench/drain/accuracy.ts (figures in bench/drain/ACCURACY.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupingAccuracy } from '../../../src/patterns/grouping-accuracy.js';
import { minePatternsOffline } from '../../../src/patterns/offline.js';
import { seededRandom } from '../../../src/sources/mock/prng.js';

type R = () => number;
function rng(seed: number): R {
  return seededRandom(seed);
}
const n = (r: R, max: number): number => Math.floor(r() * max);
const pick = <T>(r: R, xs: readonly T[]): T => xs[n(r, xs.length)]!;
const ip = (r: R): string => `${10 + n(r, 200)}.${n(r, 256)}.${n(r, 256)}.${n(r, 256)}`;
const blk = (r: R): string => `blk_${r() < 0.5 ? '-' : ''}${n(r, 1e9)}${n(r, 1e9)}`;
const USERS = ['root', 'admin', 'test', 'oracle', 'guest', 'webmaster', 'ftpuser'];

type Gen = (r: R) => [string, string];

const SYSTEMS: Record<string, Gen[]> = {
  HDFS: [
    (r) => ['recv', `Receiving block ${blk(r)} src: /${ip(r)}:${n(r, 60000)} dest: /${ip(r)}:50010`],
    (r) => ['recvd', `Received block ${blk(r)} of size ${n(r, 7e7)} from /${ip(r)}`],
    (r) => ['term', `PacketResponder ${n(r, 3)} for block ${blk(r)} terminating`],
    (r) => [
      'alloc',
      `BLOCK* NameSystem.allocateBlock: /user/root/rand/_temporary/_task_${n(r, 1e6)}_m_${n(r, 1e3)}/part-${n(r, 1e3)}. ${blk(r)}`,
    ],
    (r) => [
      'add',
      `BLOCK* NameSystem.addStoredBlock: blockMap updated: ${ip(r)}:50010 is added to ${blk(r)} size ${n(r, 7e7)}`,
    ],
    (r) => ['del', `Deleting block ${blk(r)} file /mnt/hadoop/dfs/data/current/subdir${n(r, 60)}/${blk(r)}`],
  ],
  OpenSSH: [
    (r) => ['badpw', `Failed password for invalid user ${pick(r, USERS)} from ${ip(r)} port ${n(r, 65535)} ssh2`],
    (r) => ['inv', `Invalid user ${pick(r, USERS)} from ${ip(r)}`],
    (r) => ['rcv', `Received disconnect from ${ip(r)}: 11: Bye Bye [preauth]`],
    (r) => [
      'pam',
      `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip(r)}  user=${pick(r, USERS)}`,
    ],
    (r) => ['close', `Connection closed by ${ip(r)} [preauth]`],
    (r) => ['acc', `Accepted password for ${pick(r, USERS)} from ${ip(r)} port ${n(r, 65535)} ssh2`],
  ],
  Apache: [
    (r) => [
      'found',
      `[Sun Dec 0${1 + n(r, 8)} 0${n(r, 9)}:${10 + n(r, 50)}:${10 + n(r, 50)} 2005] [notice] jk2_init() Found child ${n(r, 9000)} in scoreboard slot ${n(r, 12)}`,
    ],
    (r) => [
      'ok',
      `[Mon Dec 0${1 + n(r, 8)} 1${n(r, 9)}:${10 + n(r, 50)}:${10 + n(r, 50)} 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties`,
    ],
    (r) => [
      'state',
      `[Tue Dec 0${1 + n(r, 8)} 0${n(r, 9)}:${10 + n(r, 50)}:${10 + n(r, 50)} 2005] [error] mod_jk child workerEnv in error state ${n(r, 9)}`,
    ],
    (r) => [
      'dir',
      `[Wed Dec 0${1 + n(r, 8)} 0${n(r, 9)}:${10 + n(r, 50)}:${10 + n(r, 50)} 2005] [error] [client ${ip(r)}] Directory index forbidden by rule: /var/www/html/`,
    ],
  ],
  Linux: [
    (r) => [
      'auth',
      `Jun ${10 + n(r, 20)} 0${n(r, 9)}:${10 + n(r, 50)}:${10 + n(r, 50)} combo sshd(pam_unix)[${n(r, 30000)}]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=${ip(r)}`,
    ],
    (r) => [
      'sess',
      `Jul ${10 + n(r, 20)} 1${n(r, 9)}:${10 + n(r, 50)}:${10 + n(r, 50)} combo su(pam_unix)[${n(r, 30000)}]: session opened for user ${pick(r, USERS)} by (uid=${n(r, 1000)})`,
    ],
    (r) => [
      'ftp',
      `Jun ${10 + n(r, 20)} 0${n(r, 9)}:${10 + n(r, 50)}:${10 + n(r, 50)} combo ftpd[${n(r, 30000)}]: connection from ${ip(r)} () at Fri Jun ${10 + n(r, 20)} 0${n(r, 9)}:${10 + n(r, 50)}:${10 + n(r, 50)} 2005`,
    ],
    (r) => [
      'cups',
      `Jun ${10 + n(r, 20)} 0${n(r, 9)}:${10 + n(r, 50)}:${10 + n(r, 50)} combo cups: cupsd shutdown succeeded`,
    ],
  ],
  Spark: [
    (r) => [
      'store',
      `17/06/0${1 + n(r, 9)} 20:${10 + n(r, 50)}:${10 + n(r, 50)} INFO storage.MemoryStore: Block broadcast_${n(r, 99)} stored as values in memory (estimated size ${n(r, 99)}.${n(r, 9)} KB, free ${n(r, 999)}.${n(r, 9)} MB)`,
    ],
    (r) => [
      'task',
      `17/06/0${1 + n(r, 9)} 20:${10 + n(r, 50)}:${10 + n(r, 50)} INFO executor.Executor: Running task ${n(r, 99)}.0 in stage ${n(r, 40)}.0 (TID ${n(r, 9999)})`,
    ],
    (r) => [
      'fin',
      `17/06/0${1 + n(r, 9)} 20:${10 + n(r, 50)}:${10 + n(r, 50)} INFO executor.Executor: Finished task ${n(r, 99)}.0 in stage ${n(r, 40)}.0 (TID ${n(r, 9999)}). ${n(r, 9999)} bytes result sent to driver`,
    ],
    (r) => [
      'split',
      `Input split: hdfs://${ip(r)}:9000/pjhe/test/${n(r, 9)}/part-${n(r, 99999)}:${n(r, 1e8)}+${n(r, 1e7)}`,
    ],
  ],
  Android: [
    (r) => [
      'lock',
      `03-17 16:${10 + n(r, 50)}:${10 + n(r, 50)}.${n(r, 999)}  ${n(r, 9999)}  ${n(r, 9999)} D PowerManagerService: acquire lock=${n(r, 1e9)}, flags=0x${n(r, 9)}, tag="View Lock", name=com.android.systemui, ws=null, uid=${n(r, 99999)}, pid=${n(r, 9999)}`,
    ],
    (r) => [
      'rel',
      `03-17 16:${10 + n(r, 50)}:${10 + n(r, 50)}.${n(r, 999)}  ${n(r, 9999)}  ${n(r, 9999)} D PowerManagerService: release:lock=${n(r, 1e9)}, flg=0x0, tag="RILJ_ACK_WL", name=com.android.phone", ws=null, uid=${n(r, 9999)}, pid=${n(r, 9999)}`,
    ],
    (r) => [
      'vis',
      `03-17 16:${10 + n(r, 50)}:${10 + n(r, 50)}.${n(r, 999)}  ${n(r, 9999)}  ${n(r, 9999)} V WindowManager: Skipping AppWindowToken{${n(r, 1e7).toString(16)} token=Token{${n(r, 1e7).toString(16)} ActivityRecord{${n(r, 1e7).toString(16)} u0 com.tencent.qt.qtl/.activity.info.NewsDetailXmlActivity t${n(r, 999)}}}} -- going to hide`,
    ],
    (r) => [
      'bat',
      `03-17 16:${10 + n(r, 50)}:${10 + n(r, 50)}.${n(r, 999)}  ${n(r, 9999)}  ${n(r, 9999)} I BatteryService: update battery level=${n(r, 100)}, voltage=${3000 + n(r, 1200)}`,
    ],
  ],
};

function sample(gens: Gen[], count: number, seed: number): { lines: string[]; truth: string[] } {
  const r = rng(seed);
  const lines: string[] = [];
  const truth: string[] = [];
  for (let i = 0; i < count; i++) {
    const [g, l] = pick(r, gens)(r);
    truth.push(g);
    lines.push(l);
  }
  return { lines, truth };
}

for (const [name, gens] of Object.entries(SYSTEMS)) {
  test(`grouping accuracy on ${name}-style lines is at least 0.95`, () => {
    const { lines, truth } = sample(gens, 300, name.length * 7919);
    const ga = groupingAccuracy(
      minePatternsOffline(lines).map((p) => p.cluster),
      truth,
    );
    assert.ok(ga >= 0.95, `${name}: GA ${ga.toFixed(3)}`);
  });
}

test('groupingAccuracy follows the loghub definition', () => {
  // Truth {a,a,b,b}; predicted groups {1,1} (= a, correct), {2} and {3} (b split: both wrong).
  assert.equal(groupingAccuracy([1, 1, 2, 3], ['a', 'a', 'b', 'b']), 0.5);
  // One predicted group merging a and b: nothing is correct.
  assert.equal(groupingAccuracy([1, 1, 1, 1], ['a', 'a', 'b', 'b']), 0);
  assert.equal(groupingAccuracy(['x', 'y'], ['a', 'b']), 1);
  assert.throws(() => groupingAccuracy([1], ['a', 'b']), RangeError);
});
