// A small Chrome DevTools Protocol client over the browser's own debugging port, for what
// playwright-core does not offer: a session on each dedicated Web Worker of a page (the
// workers hold most of the page's memory while a log loads). Flat sessions: every message
// carries the sessionId of its target. The WebSocket is the `ws` that playwright-core bundles
// (Node 20 has no global WebSocket).

import http from 'node:http';
import net from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(HERE, '..', 'e2e', 'package.json'));
const { ws: WebSocket } = require('playwright-core/lib/utilsBundle');

/** A free TCP port on 127.0.0.1 (for --remote-debugging-port). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function getJson(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => {
          try {
            resolve(JSON.parse(body));
          } catch (e) {
            reject(e);
          }
        });
      })
      .on('error', reject);
  });
}

export class Cdp {
  /** Connects to the browser listening on 127.0.0.1:`port` (retries while it starts). */
  static async connect(port, timeoutMs = 15_000) {
    const end = Date.now() + timeoutMs;
    let version;
    for (;;) {
      try {
        version = await getJson(`http://127.0.0.1:${port}/json/version`);
        break;
      } catch (e) {
        if (Date.now() > end) throw new Error(`no DevTools endpoint on port ${port}: ${e}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const socket = new WebSocket(version.webSocketDebuggerUrl, { perMessageDeflate: false, maxPayload: 256 << 20 });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return new Cdp(socket);
  }

  constructor(socket) {
    this.socket = socket;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = [];
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message.id !== undefined) {
        const waiter = this.pending.get(message.id);
        if (!waiter) return;
        this.pending.delete(message.id);
        if (message.error) waiter.reject(new Error(`${waiter.method}: ${message.error.message}`));
        else waiter.resolve(message.result);
      } else {
        for (const listener of this.listeners) listener(message);
      }
    });
    socket.on('close', () => {
      for (const waiter of this.pending.values()) waiter.reject(new Error('CDP connection closed'));
      this.pending.clear();
    });
  }

  /** Sends `method` to the browser, or to the target of `sessionId`. */
  send(method, params = {}, sessionId = undefined) {
    const id = this.nextId++;
    const message = { id, method, params };
    if (sessionId) message.sessionId = sessionId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.socket.send(JSON.stringify(message));
    });
  }

  /** `listener(message)` for every event (messages without id). */
  on(listener) {
    this.listeners.push(listener);
  }

  close() {
    this.socket.close();
  }
}

/**
 * Attaches to every page of the browser and, through each page, to its dedicated workers as
 * they start (auto-attach, not paused). `targets` maps sessionId to `{ type, url }`;
 * `heapUsage()` gives the summed `Runtime.getHeapUsage` of every attached target.
 */
export class TargetWatch {
  static async start(cdp) {
    const watch = new TargetWatch(cdp);
    cdp.on((message) => watch.onEvent(message));
    // Every page, present and future, is attached by hand; its workers come through it.
    await cdp.send('Target.setDiscoverTargets', { discover: true });
    const { targetInfos } = await cdp.send('Target.getTargets');
    for (const info of targetInfos) await watch.attach(info);
    return watch;
  }

  constructor(cdp) {
    this.cdp = cdp;
    this.targets = new Map();
    this.attachedIds = new Set();
  }

  async attach(info) {
    if (info.type !== 'page' || this.attachedIds.has(info.targetId)) return;
    this.attachedIds.add(info.targetId);
    try {
      await this.cdp.send('Target.attachToTarget', { targetId: info.targetId, flatten: true });
    } catch {
      // The page may already be gone.
    }
  }

  onEvent(message) {
    if (message.method === 'Target.targetCreated') {
      this.attach(message.params.targetInfo);
    } else if (message.method === 'Target.attachedToTarget') {
      const { sessionId, targetInfo } = message.params;
      this.targets.set(sessionId, { type: targetInfo.type, url: targetInfo.url });
      // Workers of this target, attached as they start.
      this.cdp
        .send(
          'Target.setAutoAttach',
          { autoAttach: true, waitForDebuggerOnStart: false, flatten: true },
          sessionId,
        )
        .catch(() => {});
    } else if (message.method === 'Target.detachedFromTarget') {
      this.targets.delete(message.params.sessionId);
    }
  }

  /**
   * `{ used, total, byType, counts }`: JS heap bytes over every attached page and worker, by
   * target type, and how many targets of each type answered.
   */
  async heapUsage() {
    let used = 0;
    let total = 0;
    const byType = {};
    const counts = {};
    await Promise.all(
      [...this.targets.entries()].map(async ([sessionId, target]) => {
        try {
          const usage = await this.cdp.send('Runtime.getHeapUsage', {}, sessionId);
          used += usage.usedSize;
          total += usage.totalSize;
          byType[target.type] = (byType[target.type] || 0) + usage.usedSize;
          counts[target.type] = (counts[target.type] || 0) + 1;
        } catch {
          // A target that just went away.
        }
      }),
    );
    return { used, total, byType, counts };
  }
}
