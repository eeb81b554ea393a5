import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SmtpSink } from './support/smtp-sink.js';

let sink: SmtpSink;
beforeAll(async () => {
  sink = await SmtpSink.start();
});
afterAll(() => sink.stop());

/**
 * A client that starts a mail transaction and then resets its connection, as a worker killed mid-send
 * leaves its sockets (smtp-server reports a reset only inside a transaction).
 */
function resetMidTransaction(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('error', reject);
    let finals = 0;
    socket.on('data', (chunk: Buffer) => {
      // Count final reply lines ("250 ..." rather than "250-..."): greeting, EHLO, MAIL FROM.
      finals += chunk
        .toString()
        .split('\r\n')
        .filter((l) => /^\d{3} /.test(l)).length;
      if (finals === 1) socket.write('EHLO killed.example\r\n');
      else if (finals === 2) socket.write('MAIL FROM:<worker@example.cn>\r\n');
      else if (finals === 3) {
        socket.resetAndDestroy();
        resolve();
      }
    });
  });
}

describe('the test SMTP sink', () => {
  it('survives every connection reset, not just the first, and still accepts mail after them', async () => {
    for (let i = 0; i < 5; i++) await resetMidTransaction(sink.port);
    // Give the server time to see the resets.
    for (let i = 0; i < 100 && sink.socketErrors.length < 5; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sink.socketErrors).toEqual(Array(5).fill('ECONNRESET'));
    const { createTransport } = await import('nodemailer');
    const transport = createTransport({ host: '127.0.0.1', port: sink.port, ignoreTLS: true });
    await transport.sendMail({ from: 'a@example.cn', to: 'b@example.cn', subject: 'still here', text: 'x' });
    expect(sink.messages.map((m) => m.subject)).toEqual(['still here']);
  });
});
