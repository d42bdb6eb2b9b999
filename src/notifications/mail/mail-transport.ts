import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createTransport, Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { APP_CONFIG, AppConfig } from '../../config/config';

export interface OutgoingMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/**
 * Sends over SMTP_URL, or without it writes each message as an .eml file into the outbox
 * folder and logs it, so a development machine needs no mail server.
 */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private readonly logger = new Logger(MailTransport.name);
  private readonly transporter: Transporter;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.transporter = config.smtpUrl
      ? createTransport({ url: config.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as SMTPTransport.Options)
      : createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async send(mail: OutgoingMail): Promise<void> {
    const info = await this.transporter.sendMail({ from: this.config.mailFrom, ...mail });
    if (this.config.smtpUrl) return;
    const dir = resolve(this.config.outboxDir);
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^A-Za-z0-9@.-]/g, '')}.eml`);
    await writeFile(file, info.message as Buffer);
    this.logger.log({ file, to: mail.to, subject: mail.subject }, 'SMTP_URL is not set: e-mail written to the outbox folder');
  }

  onApplicationShutdown(): void {
    this.transporter.close();
  }
}
