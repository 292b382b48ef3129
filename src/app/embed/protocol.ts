// The embed postMessage protocol: the calls of window.bootlab, made from the page that embeds the
// playground in an iframe. Plain data only (structured clone), one response per request.
//
//   request   { channel: "bootlab", type: "request",  id, method, args }
//   response  { channel: "bootlab", type: "response", id, result }
//             { channel: "bootlab", type: "response", id, error: { code, message } }
//   event     { channel: "bootlab", type: "event", event: "ready" | ..., data? }
//
// `channel` and `type` keep our messages apart from anything else a page posts (analytics,
// other widgets, devtools). `id` is the caller's (number or string) and comes back unchanged.
// waitFor's pattern may be a string, a RegExp (structured clone keeps it) or
// { regexp: source, flags } for callers that build messages as JSON.

import { ArgumentError, checkArguments, METHOD_NAMES, type MethodName } from "../automation/methods.ts";

export const EMBED_CHANNEL = "bootlab";

/** The calls of window.bootlab (docs/page-api.md); their argument checks are automation/methods.ts's. */
export const EMBED_METHODS: readonly MethodName[] = METHOD_NAMES;
export type EmbedMethod = MethodName;

export type RequestId = number | string;

export interface EmbedRequest {
  channel: typeof EMBED_CHANNEL;
  type: "request";
  id: RequestId;
  method: EmbedMethod;
  args: unknown[];
}

export interface WireError {
  /** "bad-request", "unknown-method", "bad-args", "origin-not-allowed", or the API error's own code. */
  code: string;
  message: string;
}

export type EmbedResponse =
  | { channel: typeof EMBED_CHANNEL; type: "response"; id: RequestId; result: unknown }
  | { channel: typeof EMBED_CHANNEL; type: "response"; id: RequestId; error: WireError };

export interface EmbedEvent {
  channel: typeof EMBED_CHANNEL;
  type: "event";
  event: string;
  data?: unknown;
}

/**
 * The target of the calls: window.bootlab's object. Methods may return values or promises; the
 * host awaits them. waitFor receives a string or a RegExp, never the JSON form.
 */
export type EmbedApi = { [M in EmbedMethod]: (...args: never[]) => unknown };

/** A message that is ours: right channel and type. Anything else is ignored, not answered. */
export function isOurs(data: unknown, type: "request" | "response" | "event"): data is Record<string, unknown> {
  return typeof data === "object" && data !== null && (data as { channel?: unknown }).channel === EMBED_CHANNEL && (data as { type?: unknown }).type === type;
}

export class EmbedProtocolError extends Error {
  constructor(
    readonly code: "bad-request" | "unknown-method" | "bad-args",
    message: string,
  ) {
    super(message);
    this.name = "EmbedProtocolError";
  }
}

/** The id of a request-shaped message, if it has a usable one (so even a bad request gets an answer). */
export function requestIdOf(data: Record<string, unknown>): RequestId | undefined {
  const id = data.id;
  return (typeof id === "number" && Number.isFinite(id)) || (typeof id === "string" && id.length <= 200) ? id : undefined;
}

/**
 * Checks a request and returns its method with its arguments converted for the API (waitFor's
 * JSON pattern becomes a RegExp). Throws EmbedProtocolError naming what is wrong.
 */
export function parseRequest(data: Record<string, unknown>): { id: RequestId; method: EmbedMethod; args: unknown[] } {
  const id = requestIdOf(data);
  if (id === undefined) throw new EmbedProtocolError("bad-request", "a request needs an id: a number or a string of at most 200 characters");
  const method = data.method;
  if (typeof method !== "string" || !(EMBED_METHODS as readonly string[]).includes(method)) {
    throw new EmbedProtocolError("unknown-method", `unknown method ${JSON.stringify(method)}; the methods are ${EMBED_METHODS.join(", ")}`);
  }
  const args = data.args === undefined ? [] : data.args;
  if (!Array.isArray(args)) throw new EmbedProtocolError("bad-args", `${method}: args must be an array, got ${typeof args}`);
  return { id, method: method as EmbedMethod, args: checkArgs(method as EmbedMethod, args) };
}

function checkArgs(method: EmbedMethod, args: unknown[]): unknown[] {
  try {
    return checkArguments(method, args);
  } catch (error) {
    if (error instanceof ArgumentError) throw new EmbedProtocolError("bad-args", error.message);
    throw error;
  }
}

/** An error as it crosses postMessage: its own `code` when it has one, else "failed". */
export function toWireError(error: unknown): WireError {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return { code: typeof code === "string" && code !== "" ? code : "failed", message };
}
