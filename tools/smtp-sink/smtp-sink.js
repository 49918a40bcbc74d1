'use strict';
// A throwaway SMTP server for the tests (tests/Commerce.Testing/SmtpSink.cs starts it): it accepts every mail on
// 127.0.0.1 and prints one JSON line per event on stdout, so a test waits on lines instead of polling a mailbox.
//
//   node smtp-sink.js [port]            port 0 (the default): one the system picks, announced in the first line
//
// stdout, one JSON object a line:
//   {"event":"listening","port":N}
//   {"event":"received","mail_from":"…","rcpt_to":["…"],"raw":"<the message, base64>"}   accepted (250 sent)
//   {"event":"held","rcpt_to":[…]}        a mail's data arrived while holding: no reply yet
//   {"event":"dropped","rcpt_to":[…]}     the client went away while its mail was held: not accepted
//   {"event":"deferred","rcpt_to":[…]}    refused with 451 (see "defer")
//   {"event":"ok","command":"…"}          a command from stdin was applied
// stdin, one command a line:
//   hold          keep each new mail's reply back (the client waits, as on a slow server) until…
//   release       accept every held mail and go back to answering at once
//   defer N       answer the next N mails' data with 451 (try again later)
//   refuse ADDR   answer RCPT TO:<ADDR> with 550 (no such user), for good
// The process ends when stdin closes, so it never outlives the test process that started it.

const { SMTPServer } = require('smtp-server');
const readline = require('node:readline');

const port = Number(process.argv[2] ?? 0);
const held = new Map(); // session id -> [{ rcptTo, record, callback }]
const refused = new Set();
let holding = false;
let deferNext = 0;

function emit(line) {
  process.stdout.write(JSON.stringify(line) + '\n');
}

function accept(record, callback) {
  emit({ event: 'received', ...record });
  callback(null, 'Queued');
}

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  size: 10 * 1024 * 1024,
  onRcptTo(address, session, callback) {
    if (refused.has(address.address.toLowerCase())) {
      const error = new Error('No such user here');
      error.responseCode = 550;
      callback(error);
      return;
    }
    callback();
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => {
      const rcptTo = session.envelope.rcptTo.map((r) => r.address);
      const record = {
        mail_from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
        rcpt_to: rcptTo,
        raw: Buffer.concat(chunks).toString('base64'),
      };
      if (stream.sizeExceeded) {
        const error = new Error('Message too big');
        error.responseCode = 552;
        callback(error);
        return;
      }
      if (deferNext > 0) {
        deferNext--;
        emit({ event: 'deferred', rcpt_to: rcptTo });
        const error = new Error('Try again later');
        error.responseCode = 451;
        callback(error);
        return;
      }
      if (holding) {
        const list = held.get(session.id) ?? [];
        list.push({ rcptTo, record, callback });
        held.set(session.id, list);
        emit({ event: 'held', rcpt_to: rcptTo });
        return;
      }
      accept(record, callback);
    });
  },
  onClose(session) {
    for (const mail of held.get(session.id) ?? []) {
      emit({ event: 'dropped', rcpt_to: mail.rcptTo });
    }
    held.delete(session.id);
  },
});

server.on('error', (error) => process.stderr.write(`smtp-sink: ${error.message}\n`));

server.listen(port, '127.0.0.1', () => emit({ event: 'listening', port: server.server.address().port }));

const commands = readline.createInterface({ input: process.stdin });
commands.on('line', (line) => {
  const [command, argument] = line.trim().split(/\s+/, 2);
  switch (command) {
    case 'hold':
      holding = true;
      break;
    case 'release':
      holding = false;
      for (const mails of held.values()) {
        for (const mail of mails) accept(mail.record, mail.callback);
      }
      held.clear();
      break;
    case 'defer':
      deferNext = Number(argument);
      break;
    case 'refuse':
      refused.add(String(argument).toLowerCase());
      break;
    default:
      process.stderr.write(`smtp-sink: unknown command '${line}'\n`);
      return;
  }
  emit({ event: 'ok', command: line.trim() });
});
commands.on('close', () => {
  server.close(() => process.exit(0));
  // Connections a client keeps open would hold close() back; nobody is left to wait for.
  setTimeout(() => process.exit(0), 1000).unref();
});
