import nodemailer from 'nodemailer';

/** An e-mail to send. */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** Where e-mails go: an SMTP server, or nowhere (they wait in the organisation's outbox for an admin to read). */
export interface Mailer {
  readonly kind: 'smtp' | 'outbox';
  /** Sends a message; rejects when the SMTP server refuses it or cannot be reached. */
  send(message: MailMessage): Promise<void>;
}

/** SMTP settings: host and port, optional login, the From address, and TLS choices. */
export interface SmtpOptions {
  readonly host: string;
  readonly port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it. */
  readonly secure?: boolean;
  readonly user?: string;
  readonly password?: string;
  readonly from: string;
  /** Refuse to send unless the connection is upgraded to TLS. */
  readonly requireTls?: boolean;
}

/** Parses `smtp://user:pass@host:port` or `smtps://...` into SmtpOptions (the From address is given apart). */
export function parseSmtpUrl(url: string, from: string): SmtpOptions {
  const parsed = new URL(url);
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:')
    throw new Error('the SMTP URL must be smtp:// or smtps://');
  const secure = parsed.protocol === 'smtps:';
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    ...(parsed.username ? { user: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    from,
  };
}

/** A mailer sending through SMTP with nodemailer (short timeouts: an invitation request waits for its outcome). */
export function smtpMailer(options: SmtpOptions): Mailer {
  const transport = nodemailer.createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure ?? false,
    requireTLS: options.requireTls ?? false,
    ...(options.user !== undefined ? { auth: { user: options.user, pass: options.password ?? '' } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    kind: 'smtp',
    async send(message) {
      await transport.sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.text });
    },
  };
}

/** The mailer used without SMTP: nothing leaves the server, admins read the outbox. */
export const outboxMailer: Mailer = {
  kind: 'outbox',
  send() {
    return Promise.reject(new Error('no SMTP server is configured'));
  },
};
