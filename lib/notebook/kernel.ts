/**
 * A Jupyter client for the Deno kernel (`deno jupyter --kernel --conn FILE`) over npm:zeromq.
 *
 * `Kernel.start` picks free ports, writes a connection file, spawns the kernel (retrying start-up a few
 * times) and waits for a `kernel_info_reply` plus a first iopub message, so no output is lost to a
 * not-yet-connected subscriber. `execute` sends an `execute_request` and drains iopub until the
 * `execute_reply`, the `idle` status and a quiet period have all arrived: the Deno kernel can publish `idle`
 * before the last outputs of a cell. A kernel process that dies is reported as a {@link KernelDiedError}.
 *
 * A kernel never outlives the process that started it: beside each kernel runs a small `sh` watchdog that,
 * once this process is gone (even after SIGKILL, which no handler sees), kills the kernel and removes its
 * connection file (mode 0600; it holds the HMAC key).
 *
 * @module
 */
import * as zmq from "zeromq";
import { decodeMessage, encodeMessage, type JupyterMessage, makeHeader } from "./wire.ts";
import type { Output } from "./nbformat.ts";

/** How to start a kernel. */
export interface KernelOptions {
  /** Working directory of the kernel process (Jupyter uses the notebook's directory). */
  cwd: string;
  /** Extra environment variables for the kernel process (parameters reach notebooks this way). */
  env?: Record<string, string>;
  /** Start-up attempts with fresh ports (default 3). */
  attempts?: number;
  /** Time to wait for `kernel_info_reply` per attempt (default 60 s; the first start may compile). */
  startTimeoutMs?: number;
  /** The deno executable (default: the running one). */
  deno?: string;
}

/**
 * The watchdog: `$1` = our pid, `$2` = the kernel's pid, `$3` = the connection file. Polls twice a second; when
 * we are gone it kills the kernel; when the kernel is gone it just ends. Either way the connection file goes.
 */
const WATCHDOG = 'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 0.5; done; ' +
  'kill -0 "$1" 2>/dev/null || kill -9 "$2" 2>/dev/null; rm -f "$3"';

function startWatchdog(kernelPid: number, connFile: string): Deno.ChildProcess | null {
  try {
    return new Deno.Command("sh", {
      args: ["-c", WATCHDOG, "kernel-watchdog", String(Deno.pid), String(kernelPid), connFile],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
  } catch {
    return null; // no sh (e.g. Windows): the kernel is still shut down by shutdown() and signal handlers
  }
}

/** Per-cell execution options. */
export interface ExecuteOptions {
  /** Give up on the cell after this long (default: no limit). */
  timeoutMs?: number;
  /** Quiet period on iopub after reply + idle before the cell counts as finished (default 150 ms). */
  quietMs?: number;
}

/** The outcome of one `execute_request`. */
export interface ExecuteResult {
  status: "ok" | "error" | "aborted";
  /** The execution count the kernel assigned, or null. */
  executionCount: number | null;
  /** nbformat outputs in arrival order (consecutive stream chunks merged). */
  outputs: Output[];
  /** For status "error": the exception. */
  error?: { ename: string; evalue: string; traceback: string[] };
}

/** Thrown when the kernel process exits while it is being used. */
export class KernelDiedError extends Error {
  override name = "KernelDiedError";
  constructor(readonly code: number | null, readonly stderrTail: string) {
    super(`kernel died (exit code ${code ?? "unknown"})${stderrTail ? `: ${stderrTail}` : ""}`);
  }
}

interface ConnectionInfo {
  ip: string;
  transport: "tcp";
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: "hmac-sha256";
  kernel_name: string;
}

/** Ask the OS for `n` distinct currently-free TCP ports on 127.0.0.1. */
export function freePorts(n: number): number[] {
  const listeners = Array.from({ length: n }, () => Deno.listen({ hostname: "127.0.0.1", port: 0 }));
  const ports = listeners.map((l) => (l.addr as Deno.NetAddr).port);
  for (const l of listeners) l.close();
  return ports;
}

const ANSI_RE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, "g");

/** Remove ANSI colour escapes (kernel tracebacks and logs may carry them). */
export function stripAnsi(s: string): string {
  return s.replace(ANSI_RE, "");
}

const live = new Set<Kernel>();

/** Shut down every kernel this process started and has not shut down yet (e.g. on Ctrl-C). */
export async function shutdownAllKernels(): Promise<void> {
  await Promise.all([...live].map((k) => k.shutdown()));
}

type Listener = (msg: JupyterMessage) => void;

/** A running Deno kernel and the client sockets connected to it. */
export class Kernel {
  /** The `kernel_info_reply` content (language_info, implementation version, …). */
  info: Record<string, unknown> = {};
  readonly #conn: ConnectionInfo;
  readonly #connFile: string;
  readonly #child: Deno.ChildProcess;
  readonly #watchdog: Deno.ChildProcess | null;
  readonly #shell = new zmq.Dealer();
  readonly #control = new zmq.Dealer();
  readonly #iopub = new zmq.Subscriber();
  readonly #session = crypto.randomUUID();
  readonly #listeners = new Map<string, Listener>();
  #iopubSeen = false;
  #closed = false;
  #exit: { code: number | null } | null = null;
  #stderr: string[] = [];
  readonly #exited: Promise<void>;

  private constructor(conn: ConnectionInfo, connFile: string, child: Deno.ChildProcess) {
    this.#conn = conn;
    this.#connFile = connFile;
    this.#child = child;
    this.#watchdog = startWatchdog(child.pid, connFile);
    this.#drain(child.stdout);
    this.#drain(child.stderr);
    this.#exited = child.status.then((s) => {
      this.#exit = { code: s.code };
    });
    const url = (port: number) => `tcp://${conn.ip}:${port}`;
    this.#shell.connect(url(conn.shell_port));
    this.#control.connect(url(conn.control_port));
    this.#iopub.connect(url(conn.iopub_port));
    this.#iopub.subscribe();
    this.#readLoop(this.#shell);
    this.#readLoop(this.#control);
    this.#readLoop(this.#iopub);
  }

  /** Start a kernel, retrying with fresh ports; resolves once it answered `kernel_info_request`. */
  static async start(opts: KernelOptions): Promise<Kernel> {
    const attempts = opts.attempts ?? 3;
    let last: Error | null = null;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const [shell, iopub, stdin, control, hb] = freePorts(5);
      const conn: ConnectionInfo = {
        ip: "127.0.0.1",
        transport: "tcp",
        shell_port: shell,
        iopub_port: iopub,
        stdin_port: stdin,
        control_port: control,
        hb_port: hb,
        key: crypto.randomUUID(),
        signature_scheme: "hmac-sha256",
        kernel_name: "deno",
      };
      const connFile = await Deno.makeTempFile({ prefix: "kernel-", suffix: ".json" });
      await Deno.writeTextFile(connFile, JSON.stringify(conn), { mode: 0o600 });
      const child = new Deno.Command(opts.deno ?? Deno.execPath(), {
        args: ["jupyter", "--kernel", "--conn", connFile],
        cwd: opts.cwd,
        env: { NO_COLOR: "1", ...opts.env },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const kernel = new Kernel(conn, connFile, child);
      live.add(kernel);
      try {
        await kernel.#handshake(opts.startTimeoutMs ?? 60_000);
        return kernel;
      } catch (e) {
        last = e as Error;
        await kernel.shutdown();
      }
    }
    throw new Error(`kernel failed to start after ${attempts} attempts: ${last?.message}`);
  }

  /** Resolves when the kernel process has exited. */
  get exited(): Promise<void> {
    return this.#exited;
  }

  /** Last lines the kernel process wrote to stdout/stderr (for diagnostics). */
  get logTail(): string {
    return this.#stderr.slice(-5).join("\n");
  }

  async #drain(stream: ReadableStream<Uint8Array>): Promise<void> {
    const dec = new TextDecoder();
    try {
      for await (const chunk of stream) {
        for (const line of dec.decode(chunk, { stream: true }).split("\n")) {
          const clean = stripAnsi(line).trim();
          if (clean && !/"deno jupyter" is unstable/.test(clean)) this.#stderr.push(clean);
        }
        if (this.#stderr.length > 200) this.#stderr.splice(0, this.#stderr.length - 100);
      }
    } catch { /* process gone */ }
  }

  async #readLoop(sock: zmq.Dealer | zmq.Subscriber): Promise<void> {
    while (!this.#closed) {
      let frames: Uint8Array[];
      try {
        frames = (await sock.receive()) as Uint8Array[];
      } catch {
        return; // socket closed
      }
      let msg: JupyterMessage;
      try {
        msg = decodeMessage(this.#conn.key, frames);
      } catch (e) {
        this.#stderr.push(`client: dropped message: ${(e as Error).message}`);
        continue;
      }
      if (sock === this.#iopub) this.#iopubSeen = true;
      const parent = msg.parent_header?.msg_id;
      if (parent) this.#listeners.get(parent)?.(msg);
    }
  }

  async #send(sock: zmq.Dealer, msgType: string, content: Record<string, unknown>): Promise<string> {
    const header = makeHeader(msgType, this.#session);
    await sock.send(encodeMessage(this.#conn.key, { header, parent_header: {}, metadata: {}, content }));
    return header.msg_id;
  }

  /** Wait for `done` to be called, the kernel to die, or a timeout, whichever first. */
  #wait<T>(timeoutMs: number | undefined, what: string, run: (done: (v: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let settled = false;
      const finish = (f: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        f();
      };
      if (timeoutMs !== undefined && timeoutMs > 0) {
        timer = setTimeout(
          () => finish(() => reject(new Error(`${what} timed out after ${timeoutMs} ms`))),
          timeoutMs,
        );
      }
      this.#exited.then(() =>
        finish(() => reject(new KernelDiedError(this.#exit?.code ?? null, this.logTail)))
      );
      run((v) => finish(() => resolve(v)));
    });
  }

  async #handshake(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Repeat kernel_info_request until a reply arrives on shell *and* iopub has delivered something, so that
    // the subscription is known to be live before any cell runs.
    while (true) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no kernel_info_reply within ${timeoutMs} ms`);
      const id = crypto.randomUUID();
      const reply = this.#wait<JupyterMessage | null>(Math.min(remaining, 1000), "kernel_info", (done) => {
        this.#listeners.set(id, (m) => {
          if (m.header.msg_type === "kernel_info_reply") done(m);
        });
      }).catch((e) => {
        if (e instanceof KernelDiedError) throw e;
        return null;
      });
      const header = { ...makeHeader("kernel_info_request", this.#session), msg_id: id };
      await this.#shell.send(
        encodeMessage(this.#conn.key, { header, parent_header: {}, metadata: {}, content: {} }),
      );
      const m = await reply;
      this.#listeners.delete(id);
      if (m) {
        this.info = m.content;
        if (this.#iopubSeen) return;
        await new Promise((r) => setTimeout(r, 50));
        if (this.#iopubSeen) return;
      }
    }
  }

  /** Execute `code` and collect its outputs. Rejects with {@link KernelDiedError} if the kernel dies. */
  async execute(code: string, opts: ExecuteOptions = {}): Promise<ExecuteResult> {
    const quietMs = opts.quietMs ?? 150;
    const header = makeHeader("execute_request", this.#session);
    const id = header.msg_id;
    const outputs: Output[] = [];
    let executionCount: number | null = null;
    let reply: Record<string, unknown> | null = null;
    let idle = false;
    let clearPending = false;
    let quietTimer: ReturnType<typeof setTimeout> | undefined;
    const result = this.#wait<void>(opts.timeoutMs, "cell execution", (done) => {
      const maybeDone = () => {
        clearTimeout(quietTimer);
        if (reply && idle) quietTimer = setTimeout(done, quietMs);
      };
      this.#listeners.set(id, (m) => {
        const c = m.content as Record<string, unknown>;
        const type = m.header.msg_type;
        if (type === "execute_reply") {
          reply = c;
        } else if (type === "status") {
          if (c.execution_state === "idle") idle = true;
        } else if (type === "execute_input") {
          if (typeof c.execution_count === "number") executionCount = c.execution_count;
        } else if (type === "clear_output") {
          if (c.wait) clearPending = true;
          else outputs.length = 0;
        } else if (type === "update_display_data") {
          const displayId = (c.transient as { display_id?: string } | undefined)?.display_id;
          for (const o of outputs) {
            if (o.output_type !== "display_data" && o.output_type !== "execute_result") continue;
            if (displayId && (o as { _displayId?: string })._displayId === displayId) {
              o.data = c.data as Record<string, unknown>;
              o.metadata = (c.metadata ?? {}) as Record<string, unknown>;
            }
          }
        } else if (["stream", "display_data", "execute_result", "error"].includes(type)) {
          if (clearPending) {
            outputs.length = 0;
            clearPending = false;
          }
          pushOutput(outputs, type, c);
        }
        maybeDone();
      });
    });
    try {
      await this.#shell.send(
        encodeMessage(this.#conn.key, {
          header,
          parent_header: {},
          metadata: {},
          content: {
            code,
            silent: false,
            store_history: true,
            user_expressions: {},
            allow_stdin: false,
            stop_on_error: true,
          },
        }),
      );
      await result;
    } finally {
      clearTimeout(quietTimer);
      this.#listeners.delete(id);
    }
    const r = reply as Record<string, unknown> | null;
    if (typeof r?.execution_count === "number") executionCount = r.execution_count;
    for (const o of outputs) delete (o as { _displayId?: string })._displayId;
    const status = (r?.status ?? "error") as ExecuteResult["status"];
    const res: ExecuteResult = { status, executionCount, outputs };
    if (status === "error") {
      const errOut = outputs.find((o) => o.output_type === "error");
      res.error = {
        ename: String(r?.ename ?? (errOut as { ename?: string })?.ename ?? "Error"),
        evalue: String(r?.evalue ?? (errOut as { evalue?: string })?.evalue ?? ""),
        traceback: (r?.traceback ?? (errOut as { traceback?: string[] })?.traceback ?? []) as string[],
      };
    }
    return res;
  }

  /** Ask the kernel to shut down (control channel), then kill it if it has not exited. Idempotent. */
  async shutdown(graceMs = 2000): Promise<void> {
    if (!live.has(this)) return;
    live.delete(this);
    if (!this.#exit) {
      try {
        await this.#send(this.#control, "shutdown_request", { restart: false });
      } catch { /* socket already gone */ }
      const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), graceMs));
      const res = await Promise.race([this.#exited.then(() => "exited" as const), timeout]);
      if (res === "timeout" && !this.#exit) {
        try {
          this.#child.kill("SIGKILL");
        } catch { /* already exited */ }
      }
      await this.#exited;
    }
    this.#closed = true;
    // Disconnect, but never close: under Deno's libuv shim for Node-API, closing a zeromq socket can run a
    // poll callback on the freed poller and crash the process (segfault in zmq::Poller::Callback). An idle,
    // disconnected socket costs a few KB and does not keep `deno test` alive; CLI tools end with Deno.exit.
    for (
      const [sock, port] of [
        [this.#shell, this.#conn.shell_port],
        [this.#control, this.#conn.control_port],
        [this.#iopub, this.#conn.iopub_port],
      ] as const
    ) {
      try {
        sock.disconnect(`tcp://${this.#conn.ip}:${port}`);
      } catch { /* not connected */ }
    }
    await Deno.remove(this.#connFile).catch(() => {});
    if (this.#watchdog) {
      try {
        this.#watchdog.kill("SIGKILL");
      } catch { /* already ended: the kernel exited first */ }
      await this.#watchdog.status;
    }
  }

  /** The kernel's process id (for diagnostics and tests). */
  get pid(): number {
    return this.#child.pid;
  }

  /** The connection file (deleted on shutdown, or by the watchdog when this process dies). */
  get connectionFile(): string {
    return this.#connFile;
  }
}

function joinText(t: unknown): string {
  return Array.isArray(t) ? t.join("") : String(t ?? "");
}

function pushOutput(outputs: Output[], type: string, c: Record<string, unknown>): void {
  if (type === "stream") {
    const name = c.name === "stderr" ? "stderr" : "stdout";
    const last = outputs[outputs.length - 1];
    if (last?.output_type === "stream" && last.name === name) {
      last.text = joinText(last.text) + joinText(c.text);
    } else outputs.push({ output_type: "stream", name, text: joinText(c.text) });
  } else if (type === "display_data") {
    const o = {
      output_type: "display_data" as const,
      data: (c.data ?? {}) as Record<string, unknown>,
      metadata: (c.metadata ?? {}) as Record<string, unknown>,
    };
    const displayId = (c.transient as { display_id?: string } | undefined)?.display_id;
    if (displayId) {
      Object.defineProperty(o, "_displayId", { value: displayId, enumerable: false, configurable: true });
    }
    outputs.push(o);
  } else if (type === "execute_result") {
    outputs.push({
      output_type: "execute_result",
      execution_count: typeof c.execution_count === "number" ? c.execution_count : null,
      data: (c.data ?? {}) as Record<string, unknown>,
      metadata: (c.metadata ?? {}) as Record<string, unknown>,
    });
  } else if (type === "error") {
    outputs.push({
      output_type: "error",
      ename: String(c.ename ?? "Error"),
      evalue: String(c.evalue ?? ""),
      traceback: (c.traceback ?? []) as string[],
    });
  }
}
