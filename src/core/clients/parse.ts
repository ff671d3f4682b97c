// Reads the servers a config file declares, for every client's shape (reference/mcp-clients.md).
// Positions are 1-based; a string value's column is where its token starts (the opening quote when quoted).
import type { ClientKind, ConfigSource, DocPath, Located, ParsedConfig, Position, Scope, Server, Transport } from '../model.js';
import { readDocument } from './formats.js';
import { member, uniqueEntries, type LNode, type LObject } from './tree.js';

/** A VS Code `inputs` entry: a value VS Code prompts for and keeps in its secret storage. */
export interface VsCodeInput extends Position {
  id: string;
  type?: string;
  description?: string;
  password: boolean;
  path: DocPath;
}

/** What parseConfig returns: the model's ParsedConfig, plus VS Code inputs when the file has some. */
export interface ClientParsedConfig extends ParsedConfig {
  inputs?: VsCodeInput[];
}

interface Container {
  node: LNode;
  path: DocPath;
  scope: Scope;
  project?: string;
}

/**
 * Parses a config file and lists the servers it declares. Never throws: a file that cannot be
 * parsed gives `error` (with a position) and no servers, because the client cannot use it either.
 */
export function parseConfig(source: ConfigSource, text: string): ClientParsedConfig {
  const read = readDocument(source.format, text);
  if (read.error !== undefined) return { servers: [], error: read.error };
  const root = read.root;
  if (root === undefined) return { servers: [] };
  if (root.t !== 'object') {
    return {
      servers: [],
      error: {
        message: `Expected an object at the top level at ${root.pos.line}:${root.pos.column}`,
        line: root.pos.line,
        column: root.pos.column,
      },
    };
  }
  if (source.role === 'settings') return { servers: [] };

  const servers: Server[] = [];
  for (const container of containers(source, root)) {
    servers.push(...readContainer(source, container));
  }
  const result: ClientParsedConfig = { servers };
  if (source.client === 'vscode') {
    const inputs = readInputs(root);
    if (inputs.length > 0) result.inputs = inputs;
  }
  return result;
}

/** Where servers sit in the document, per client. */
function containers(source: ConfigSource, root: LObject): Container[] {
  const out: Container[] = [];
  const add = (node: LNode | undefined, path: DocPath, scope: Scope = source.scope, project?: string): void => {
    if (node === undefined) return;
    const c: Container = { node, path, scope };
    if (project !== undefined) c.project = project;
    out.push(c);
  };
  switch (source.client) {
    case 'vscode': {
      add(member(root, 'servers'), ['servers']);
      add(member(member(root, 'mcp'), 'servers'), ['mcp', 'servers']);
      add(member(root, 'mcp.servers'), ['mcp.servers']);
      break;
    }
    case 'zed':
      add(member(root, 'context_servers'), ['context_servers']);
      break;
    case 'codex':
      add(member(root, 'mcp_servers'), ['mcp_servers']);
      break;
    case 'continue': {
      add(member(root, 'mcpServers'), ['mcpServers']);
      // Older config.json: experimental.modelContextProtocolServers[].transport
      const legacy = member(member(root, 'experimental'), 'modelContextProtocolServers');
      add(legacy, ['experimental', 'modelContextProtocolServers']);
      break;
    }
    case 'claude-code': {
      add(member(root, 'mcpServers'), ['mcpServers']);
      // ~/.claude.json (and its backups): per-project servers are the local scope.
      const projects = member(root, 'projects');
      if (projects?.t === 'object' && source.scope !== 'project') {
        for (const entry of uniqueEntries(projects)) {
          add(member(entry.value, 'mcpServers'), ['projects', entry.key, 'mcpServers'], 'local', entry.key);
        }
      }
      break;
    }
    default:
      add(member(root, 'mcpServers'), ['mcpServers']);
  }
  return out;
}

function readContainer(source: ConfigSource, container: Container): Server[] {
  const out: Server[] = [];
  const { node } = container;
  if (node.t === 'object') {
    for (const entry of uniqueEntries(node)) {
      if (entry.value.t !== 'object') continue;
      out.push(readServer(source, container, entry.key, entry.value, [...container.path, entry.key], entry.keyPos));
    }
  } else if (node.t === 'array') {
    // Continue lists servers as objects with a `name`.
    node.items.forEach((item, index) => {
      if (item.t !== 'object') return;
      const nameNode = member(item, 'name');
      const name =
        nameNode?.t === 'scalar' && nameNode.value !== null && String(nameNode.value) !== ''
          ? String(nameNode.value)
          : `${container.path.join('.')}[${index}]`;
      out.push(readServer(source, container, name, item, [...container.path, index], item.pos));
    });
  }
  return out;
}

function scalarText(node: LNode | undefined): string | undefined {
  if (node?.t !== 'scalar' || node.value === null || node.value === undefined) return undefined;
  return String(node.value);
}

function located(node: LNode | undefined, path: DocPath): Located | undefined {
  const value = scalarText(node);
  if (node === undefined || value === undefined) return undefined;
  return { value, line: node.pos.line, column: node.pos.column, path };
}

function locatedMap(node: LNode | undefined, path: DocPath): { key: string; value: Located }[] {
  if (node?.t !== 'object') return [];
  const out: { key: string; value: Located }[] = [];
  for (const entry of uniqueEntries(node)) {
    const value = located(entry.value, [...path, entry.key]);
    if (value !== undefined) out.push({ key: entry.key, value });
  }
  return out;
}

function locatedList(node: LNode | undefined, path: DocPath): Located[] {
  if (node === undefined) return [];
  if (node.t === 'scalar') {
    const one = located(node, path);
    return one ? [one] : [];
  }
  if (node.t !== 'array') return [];
  const out: Located[] = [];
  node.items.forEach((item, index) => {
    const value = located(item, [...path, index]);
    if (value !== undefined) out.push(value);
  });
  return out;
}

function transportFromType(type: string | undefined): Transport | undefined {
  switch (type?.trim().toLowerCase()) {
    case 'stdio':
      return 'stdio';
    case 'sse':
      return 'sse';
    case 'http':
    case 'streamable-http':
    case 'streamablehttp':
    case 'streamable_http':
      return 'http';
    default:
      return undefined;
  }
}

function readServer(
  source: ConfigSource,
  container: Container,
  name: string,
  entry: LObject,
  path: DocPath,
  pos: Position,
): Server {
  // Continue's legacy form keeps the fields in a `transport` object.
  const transportNode = member(entry, 'transport');
  const fields: LObject = transportNode?.t === 'object' ? transportNode : entry;
  const fieldPath: DocPath = fields === entry ? path : [...path, 'transport'];

  const server: Server = {
    name,
    client: source.client,
    scope: container.scope,
    file: source.path,
    path,
    line: pos.line,
    column: pos.column,
    transport: 'stdio',
    args: [],
    env: [],
    headers: [],
  };
  if (container.project !== undefined) server.project = container.project;

  // Zed's older form nests the process: "command": { "path", "args", "env" }.
  const commandNode = member(fields, 'command');
  let processNode: LObject = fields;
  let processPath: DocPath = fieldPath;
  if (commandNode?.t === 'object') {
    processNode = commandNode;
    processPath = [...fieldPath, 'command'];
    const command = located(member(commandNode, 'path'), [...processPath, 'path']);
    if (command) server.command = command;
  } else {
    const command = located(commandNode, [...fieldPath, 'command']);
    if (command) server.command = command;
  }
  server.args = locatedList(member(processNode, 'args'), [...processPath, 'args']);
  server.env = locatedMap(member(processNode, 'env'), [...processPath, 'env']);

  const url = urlField(source.client, fields, fieldPath);
  if (url) server.url = url.located;

  server.headers = [
    ...locatedMap(member(fields, 'headers'), [...fieldPath, 'headers']),
    ...locatedMap(member(fields, 'http_headers'), [...fieldPath, 'http_headers']),
    ...locatedMap(member(member(fields, 'requestOptions'), 'headers'), [...fieldPath, 'requestOptions', 'headers']),
  ];
  // Codex rejects an inline bearer_token, but a file that has one still holds it in plaintext.
  const bearer = located(member(fields, 'bearer_token'), [...fieldPath, 'bearer_token']);
  if (bearer) server.headers.push({ key: 'bearer_token', value: bearer });

  const envFile = located(member(fields, 'envFile'), [...fieldPath, 'envFile']);
  if (envFile) server.envFile = envFile;
  const cwd = scalarText(member(fields, 'cwd'));
  if (cwd !== undefined) server.cwd = cwd;

  server.transport =
    transportFromType(scalarText(member(fields, 'type'))) ?? (url ? url.transport : 'stdio');

  const disabled = member(entry, 'disabled');
  const enabled = member(entry, 'enabled');
  if ((disabled?.t === 'scalar' && disabled.value === true) || (enabled?.t === 'scalar' && enabled.value === false)) {
    server.disabled = true;
  }
  const toolSettings = readToolSettings(entry);
  if (toolSettings) server.toolSettings = toolSettings;
  return server;
}

/** Per-server fields that decide which tools a client asks about, hides or runs unasked. */
const TOOL_LIST_KEYS = ['excludeTools', 'includeTools', 'disabled_tools', 'enabled_tools', 'autoApprove', 'alwaysAllow', 'disabledTools'];

function readToolSettings(entry: LObject): Server['toolSettings'] {
  const lists: { [key: string]: string[] | null } = {};
  for (const key of TOOL_LIST_KEYS) {
    const node = member(entry, key);
    if (node === undefined) continue;
    const items = node.t === 'array' ? node.items.map((i) => (i.t === 'scalar' && typeof i.value === 'string' ? i.value : undefined)) : [undefined];
    lists[key] = items.every((i): i is string => i !== undefined) ? items : null;
  }
  const trust = member(entry, 'trust');
  const flag = trust?.t === 'scalar' && typeof trust.value === 'boolean' ? trust.value : undefined;
  if (flag === undefined && !Object.keys(lists).length) return undefined;
  return { ...(flag !== undefined ? { trust: flag } : {}), lists };
}

/** The server's URL field and the transport it implies when there is no `type`. */
function urlField(
  client: ClientKind,
  fields: LObject,
  path: DocPath,
): { located: Located; transport: Transport } | undefined {
  // Gemini: httpUrl is streamable HTTP, url is SSE.
  const candidates: [string, Transport][] =
    client === 'gemini'
      ? [
          ['httpUrl', 'http'],
          ['url', 'sse'],
          ['serverUrl', 'http'],
        ]
      : [
          ['url', 'http'],
          ['serverUrl', 'http'],
          ['httpUrl', 'http'],
        ];
  for (const [key, transport] of candidates) {
    const value = located(member(fields, key), [...path, key]);
    if (value) return { located: value, transport };
  }
  return undefined;
}

function readInputs(root: LObject): VsCodeInput[] {
  const found: { node: LNode | undefined; path: DocPath }[] = [
    { node: member(root, 'inputs'), path: ['inputs'] },
    { node: member(member(root, 'mcp'), 'inputs'), path: ['mcp', 'inputs'] },
    { node: member(root, 'mcp.inputs'), path: ['mcp.inputs'] },
  ];
  const out: VsCodeInput[] = [];
  for (const { node, path } of found) {
    if (node?.t !== 'array') continue;
    node.items.forEach((item, index) => {
      if (item.t !== 'object') return;
      const id = scalarText(member(item, 'id'));
      if (id === undefined) return;
      const input: VsCodeInput = {
        id,
        password: (member(item, 'password') as { value?: unknown } | undefined)?.value === true,
        line: item.pos.line,
        column: item.pos.column,
        path: [...path, index],
      };
      const type = scalarText(member(item, 'type'));
      if (type !== undefined) input.type = type;
      const description = scalarText(member(item, 'description'));
      if (description !== undefined) input.description = description;
      out.push(input);
    });
  }
  return out;
}
