// A fast SMTP sink in a process of its own: accepts every mail without parsing it, counts, and notes the
// time of the first and the last, so throughput is measured where the mail lands.
import { SMTPServer } from 'smtp-server';

let count = 0;
let first = 0;
let last = 0;
const server = new SMTPServer({
  disabledCommands: ['STARTTLS', 'AUTH'],
  authOptional: true,
  logger: false,
  size: 0,
  onData: (stream, _session, done) => {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      const t = performance.now();
      if (count === 0) first = t;
      last = t;
      count++;
      done();
    });
  },
});
process.on('message', (m: { type: string }) => {
  if (m.type === 'reset') {
    count = 0;
    first = 0;
    last = 0;
    process.send!({ type: 'reset' });
  } else if (m.type === 'stats') {
    process.send!({ type: 'stats', count, ms: last - first });
  }
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
server.listen(Number(process.env.SINK_PORT), '127.0.0.1', () => process.send!({ type: 'ready' }));
