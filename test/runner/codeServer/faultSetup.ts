import { readFile, rm, writeFile } from 'node:fs/promises';
import * as net from 'node:net';
import * as path from 'node:path';
import { startServer, type TestServer } from '../../pg/server';
import { undoSteps } from '../cleanup';
import { freeLoopbackPort } from '../net';

/** The role the wrong password is given for; the error sentence names it. */
export const FAULT_USER = 'fault_app';
const PASSWORD = 'Toast-Pw-5mQ8-right';
const WRONG_PASSWORD = 'Toast-Pw-2nW6-wrong';

/** One configured pool and what its server's error node must say. */
export interface ConfiguredFault {
  pool: string;
  /** `host:port` of its server: the server node's label, and named in the sentence. */
  key: string;
  /** Text of the one-sentence error the tree shows under the server. */
  sentence: RegExp;
}

export interface Faults {
  faults: ConfiguredFault[];
  /** Puts the workspace's settings and `.env` back and stops the servers. */
  undo(): Promise<void>;
}

/**
 * The three faults of the editor suite "Faults in the Pools view", set up from outside the editor as a
 * person editing the files would: a port nothing listens on, a real PostgreSQL given a wrong password in
 * `.env`, and a loopback server that accepts TCP and never answers. The workspace's
 * `.vscode/settings.json` gets one pool per fault, each reading its connection from `.env`.
 */
export async function setUpFaults(workspace: string): Promise<Faults> {
  const undo = undoSteps();
  const { undoAll } = undo;
  try {
    const server: TestServer = await startServer({ maxConnections: 20 });
    undo.push(() => server.stop());
    await server.sql(`CREATE ROLE ${FAULT_USER} LOGIN PASSWORD '${PASSWORD}'`);
    await server.sql(`CREATE DATABASE faults OWNER ${FAULT_USER}`);

    const silent = await silentServer();
    undo.push(() => silent.close());
    const refusedPort = await freeLoopbackPort();

    const domain = (prefix: string, port: number, password: string) => [
      `${prefix}HOST=127.0.0.1`,
      `${prefix}PORT=${port}`,
      `${prefix}NAME=faults`,
      `${prefix}USER=${FAULT_USER}`,
      `${prefix}PASSWORD=${password}`,
      `${prefix}SSLMODE=disable`,
    ];
    const envFile = path.join(workspace, '.env');
    const previousEnv = await readFile(envFile, 'utf8').catch(() => undefined);
    undo.push(() => (previousEnv === undefined ? rm(envFile, { force: true }) : writeFile(envFile, previousEnv)));
    await writeFile(
      envFile,
      [...domain('REFUSED_DB_', refusedPort, PASSWORD), ...domain('WRONGPW_DB_', server.port, WRONG_PASSWORD), ...domain('SILENT_DB_', silent.port, PASSWORD), ''].join('\n'),
    );

    const settingsFile = path.join(workspace, '.vscode', 'settings.json');
    const previousSettings = await readFile(settingsFile, 'utf8');
    undo.push(() => writeFile(settingsFile, previousSettings));
    const pools = [
      { name: 'refused', envPrefix: 'REFUSED_DB_' },
      { name: 'wrongPassword', envPrefix: 'WRONGPW_DB_' },
      { name: 'silent', envPrefix: 'SILENT_DB_' },
    ];
    await writeFile(settingsFile, JSON.stringify({ ...parseSettings(previousSettings, settingsFile), 'poolLens.pools': pools }, null, 2));

    return {
      faults: [
        { pool: 'refused', key: `127.0.0.1:${refusedPort}`, sentence: /connection was refused/ },
        { pool: 'wrongPassword', key: `127.0.0.1:${server.port}`, sentence: new RegExp(`rejected the password for user '${FAULT_USER}'`) },
        { pool: 'silent', key: `127.0.0.1:${silent.port}`, sentence: /^Timed out connecting to / },
      ],
      undo: undoAll,
    };
  } catch (error) {
    await undoAll();
    throw error;
  }
}

/** The workspace settings as VS Code left them; plain JSON (the fixture has no comments). */
function parseSettings(text: string, file: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`${file} is not plain JSON, so the check cannot add its pools to it.`);
  }
}

/** Accepts connections and never sends a byte; reads and drops what it receives so it sees clients leave. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
