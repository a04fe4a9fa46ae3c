/** A real SMTP server on loopback that keeps every mail it receives, for tests that check what people are sent. */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll } from 'vitest';

export interface ReceivedMail {
  to: string;
  body: string;
}

export interface SmtpInbox {
  /** For SMTP_URL. */
  url: string;
  received: ReceivedMail[];
  /** Closes the server; once, however often called (it also runs after the file). */
  close(): Promise<void>;
}

/** Starts the server; it is closed after the test file. */
export async function startSmtpInbox(): Promise<SmtpInbox> {
  const received: ReceivedMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, done) {
      let body = '';
      stream.on('data', (d) => (body += d));
      stream.on('end', () => {
        // Undo quoted-printable soft line breaks so tests can look for whole sentences.
        received.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), body: body.replace(/=\r?\n/g, '') });
        done();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  let closed: Promise<void> | null = null;
  const close = () => (closed ??= new Promise<void>((r) => smtp.close(() => r())));
  afterAll(close);
  return { url: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`, received, close };
}
