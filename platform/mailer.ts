import nodemailer, { type Transporter } from 'nodemailer';

export type Mailer = Transporter;

/** The one SMTP transport. Pooled so that bursts of notifications reuse connections. */
export function createMailer(smtpUrl: string): Mailer {
  return nodemailer.createTransport(smtpUrl);
}
