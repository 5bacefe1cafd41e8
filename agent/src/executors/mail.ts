/**
 * Mail from the outbox, sent through the agent's SMTP settings (register_agent's answer) with
 * nodemailer. The password comes from the settings' secret reference, resolved on this host.
 */
import type { MailMessage, SmtpSettings } from '../protocol.ts';
import type { SecretResolver } from '../secrets.ts';

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

const defaultPorts = { none: 25, starttls: 587, tls: 465 } as const;

/** nodemailer, loaded on first use: an agent that sends no mail does not hold it (memory, issue 14). */
let nodemailerModule: Promise<typeof import('nodemailer')> | undefined;

export async function createMailer(settings: SmtpSettings, secrets: SecretResolver, options: { tlsInsecure?: boolean } = {}): Promise<Mailer> {
  const { default: nodemailer } = await (nodemailerModule ??= import('nodemailer'));
  const password = settings.passwordRef ? await secrets.resolve(settings.passwordRef) : undefined;
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port ?? defaultPorts[settings.security],
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'none',
    auth: settings.user ? { user: settings.user, pass: password } : undefined,
    tls: options.tlsInsecure ? { rejectUnauthorized: false } : undefined,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  return {
    async send(message: MailMessage): Promise<void> {
      const from = message.sender ?? settings.from ?? (settings.user && settings.user.includes('@') ? settings.user : undefined);
      if (!from) throw new Error('no sender: set the job\'s email "from" or the agent\'s smtp "from" (set_agent_smtp)');
      await transport.sendMail({ from, to: message.recipients, subject: message.subject, text: message.body });
    },
    close: () => transport.close(),
  };
}
