// The SQLite write connection, in a worker thread: batches that arrive in the same tick are
// committed in one transaction (group commit), and WAL checkpoints happen here too, so neither
// holds up the conversations on the main thread. Plain JavaScript, so that it runs the same under
// node, tsx and the test runner.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
db.pragma('foreign_keys = ON');
// Checkpoints (which fsync the database file) run on a connection of their own below, so that a
// commit rarely waits behind one. Under sustained load that checkpointer may never catch up
// completely, and the log is only restarted after a complete checkpoint: the writer then
// checkpoints itself past 10,000 pages (about 40 MB), which bounds the log's size.
db.pragma(`wal_autocheckpoint = ${workerData.role === 'checkpointer' ? 0 : 10000}`);

if (workerData.role === 'checkpointer') {
  // A passive checkpoint copies what it can without blocking the writer or the readers.
  const timer = setInterval(() => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // busy: next time
    }
  }, workerData.intervalMs ?? 500);
  parentPort.on('message', (m) => {
    if (m.type === 'close') {
      clearInterval(timer);
      try {
        db.pragma('wal_checkpoint(TRUNCATE)');
      } catch {}
      db.close();
      parentPort.postMessage({ closed: true });
    }
  });
}

const cache = new Map();
const prepare = (sql) => {
  let s = cache.get(sql);
  if (!s) {
    s = db.prepare(sql);
    cache.set(sql, s);
  }
  return s;
};
const runAll = db.transaction((stmts) => {
  for (const [sql, params] of stmts) prepare(sql).run(...params);
});

let group = [];
function flush() {
  const batches = group;
  group = [];
  try {
    runAll(batches.flatMap((b) => b.stmts));
    parentPort.postMessage(batches.map((b) => ({ id: b.id })));
  } catch {
    // One batch broke a constraint: run each alone so that only that one fails.
    const results = batches.map((b) => {
      try {
        runAll(b.stmts);
        return { id: b.id };
      } catch (e) {
        return { id: b.id, error: { code: e.code ?? null, message: String(e.message ?? e) } };
      }
    });
    parentPort.postMessage(results);
  }
}

if (workerData.role !== 'checkpointer')
  parentPort.on('message', (m) => {
    if (m.type === 'close') {
      if (group.length) flush();
      db.close();
      parentPort.postMessage({ closed: true });
      return;
    }
    group.push(m);
    if (group.length === 1) setImmediate(flush);
  });
