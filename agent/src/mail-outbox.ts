/**
 * Delivers the database's mail outbox when this agent has SMTP settings: claim_notifications,
 * send each through SMTP, report notification_sent / notification_failed (the database retries
 * with backoff). Poked after each heartbeat and after runs end; one delivery pass at a time.
 */
import type { AgentApi } from './db/api.ts';
import { isUnreachable } from './db/api.ts';
import { createMailer, type Mailer } from './executors/mail.ts';
import type { Logger } from './logger.ts';
import type { SmtpSettings } from './protocol.ts';
import type { SecretResolver } from './secrets.ts';

const batch = 10;

export class MailOutbox {
  private settings: SmtpSettings | null = null;
  private mailer: Promise<Mailer> | undefined;
  private active: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly api: AgentApi,
    private readonly secrets: SecretResolver,
    private readonly logger: Logger,
    private readonly tlsInsecure: boolean,
  ) {}

  /** The SMTP settings from the latest registration or heartbeat (null: this agent sends no mail). */
  configure(settings: SmtpSettings | null): void {
    if (JSON.stringify(settings) === JSON.stringify(this.settings)) return;
    this.logger.info('SMTP settings changed', { smtp: settings?.host ?? 'none' });
    this.settings = settings;
    const old = this.mailer;
    this.mailer = undefined;
    void old?.then((m) => m.close(), () => {});
  }

  /** Delivers what is due, now or right after the pass in progress. */
  poke(): void {
    if (!this.settings) return;
    if (this.active) {
      this.again = true;
      return;
    }
    this.active = this.deliver().finally(() => {
      this.active = undefined;
      if (this.again) {
        this.again = false;
        this.poke();
      }
    });
  }

  async close(): Promise<void> {
    this.settings = null;
    await this.active;
    const mailer = this.mailer;
    this.mailer = undefined;
    await mailer?.then((m) => m.close(), () => {});
  }

  private async deliver(): Promise<void> {
    const settings = this.settings;
    if (!settings) return;
    try {
      for (;;) {
        const messages = await this.api.claimNotifications(batch);
        for (const message of messages) {
          const log = this.logger.child({ notification: message.id });
          // SMTP errors are the mail's outcome; database errors (below) end the pass.
          let failure: unknown = null;
          try {
            this.mailer ??= createMailer(settings, this.secrets, { tlsInsecure: this.tlsInsecure });
            const mailer = await this.mailer.catch((error: Error) => {
              this.mailer = undefined; // a missing secret may appear later
              throw error;
            });
            await mailer.send(message);
          } catch (error) {
            failure = error ?? new Error('unknown SMTP error');
          }
          if (failure === null) {
            await this.api.notificationSent(message.id);
            log.info('mail sent', { to: message.recipients.join(','), subject: message.subject });
          } else {
            log.warn('mail not sent', { error: failure });
            await this.api.notificationFailed(message.id, (failure as Error).message ?? String(failure));
          }
        }
        if (messages.length < batch) return;
      }
    } catch (error) {
      // The database went away: the claimed mail's lease runs out and it is handed out again.
      if (isUnreachable(error)) this.logger.debug('mail delivery paused: database unreachable', { error });
      else this.logger.warn('mail delivery failed', { error });
    }
  }
}
