/**
 * What the capture editor says when it has no calls to show because of the file itself: it could
 * not be read, it holds no packets, or none of its conversations is a protocol callscope knows.
 * Each says what to do next. Pure (words and which buttons), unit-tested; main.ts draws it.
 */

/** A button under the message: a callscope command the webview may run. */
export interface EmptyAction {
  label: string;
  command: string;
  primary?: boolean;
}

export interface EmptyText {
  title: string;
  lines: string[];
  actions: EmptyAction[];
}

const OPEN: EmptyAction = { label: 'Open Another Capture…', command: 'callscope.openCapture' };
const LIVE: EmptyAction = { label: 'Start Live Capture…', command: 'callscope.startCapture' };
const DECODE_AS: EmptyAction = { label: 'Decode As…', command: 'callscope.decodeAs', primary: true };

const READS = 'callscope reads pcap and pcapng files and their gzip-compressed forms — what tcpdump -w, dumpcap, tshark -w and Wireshark save.';

/**
 * What a failure to read a capture says about the file: `empty` ("…: empty file, not a pcap or
 * pcapng file"), `not-capture` ("…: not a pcap or pcapng file (starts with 0x…)", also inside a
 * gzip), or undefined for any other failure. The editor explains the first two itself (the host
 * adds no notification for them). By the reader's words, not the path's: a failing trace.pcapng
 * is not "not a capture".
 */
export function fileProblem(message: string): 'empty' | 'not-capture' | undefined {
  if (/\bempty file\b/i.test(message)) return 'empty';
  if (/\bnot a pcap or pcapng file\b/i.test(message)) return 'not-capture';
  return undefined;
}

export function emptyCaptureText(s: { failed?: string; frames: number; unrecognised: number }): EmptyText {
  if (s.failed) {
    const problem = fileProblem(s.failed);
    const empty = problem === 'empty';
    const notCapture = problem === 'not-capture';
    return {
      title: empty ? 'This file is empty' : notCapture ? 'This file is not a capture' : 'The capture could not be read',
      lines: [
        READS,
        empty
          ? 'A capture that was never written to (tcpdump stopped before its first packet, or still running with its output buffered: add -U) is empty. Record it again, or open another file.'
          : notCapture
            ? 'Open the capture itself, or record one: tcpdump -i lo -w out.pcap \'tcp port 8000\'. To see this file as text or bytes, run View: Reopen Editor With… from the Command Palette.'
            : 'Check that the file is complete and readable, then open it again, or open another file.',
      ],
      actions: [{ ...OPEN, primary: true }, LIVE],
    };
  }
  if (s.frames === 0) {
    return {
      title: 'This capture holds no packets',
      lines: ['It is a valid capture file with no frames in it: the capture was stopped before any traffic, or its filter matched nothing. Record again while the client and server talk, for example tcpdump -i lo -w out.pcap \'tcp port 8000\'.'],
      actions: [{ ...LIVE, primary: true }, OPEN],
    };
  }
  if (s.unrecognised > 0) {
    return {
      title: `No calls — ${s.unrecognised} conversation${s.unrecognised > 1 ? 's' : ''} not recognised`,
      lines: ['Traffic on a port callscope does not expect: pick the protocol it carries with Decode As… (a server port, then a decoder).'],
      actions: [DECODE_AS],
    };
  }
  return {
    title: 'No calls in this capture',
    lines: [`${s.frames} frame${s.frames === 1 ? '' : 's'}, but no TCP or UDP conversation with a protocol callscope reads (other traffic, or encrypted: of TLS only the handshake can be read).`],
    actions: [OPEN],
  };
}
