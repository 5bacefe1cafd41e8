import { css, html, LitElement } from 'lit';
import { define } from '../../define.ts';
import { emit } from '../../events.ts';
import { sharedStyles } from '../../styles/shared-styles.ts';

/**
 * The login form (presentational): database role and password.
 *
 * @attr error - a message to show (a failed login)
 * @attr busy - disables the form while a login is under way
 * @fires pga-login-submit - {user, password} when the form is submitted
 * @csspart form - the form
 * @slot - text above the fields (defaults to a short explanation)
 */
export class PgaLoginForm extends LitElement {
  static override properties = { error: { type: String }, busy: { type: Boolean } };
  declare error: string;
  declare busy: boolean;

  static override styles = [
    sharedStyles,
    css`
      form { display: flex; flex-direction: column; gap: 10px; max-width: 320px; margin: 24px auto; }
      .card { padding: 20px; }
    `,
  ];

  constructor() {
    super();
    this.error = '';
    this.busy = false;
  }

  private submit(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    emit(this, 'pga-login-submit', { user: String(data.get('user') ?? ''), password: String(data.get('password') ?? '') });
  }

  override render() {
    return html`<form part="form" class="card" @submit=${this.submit} aria-label="Log in to pgAutomator">
      <h2>pgAutomator</h2>
      <slot><span class="muted">Log in with your database role.</span></slot>
      <label>Database role <input name="user" autocomplete="username" required ?disabled=${this.busy} /></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" ?disabled=${this.busy} /></label>
      ${this.error ? html`<div class="banner" role="alert">${this.error}</div>` : ''}
      <button class="primary" type="submit" ?disabled=${this.busy}>Log in</button>
    </form>`;
  }
}
define('pga-login-form', PgaLoginForm);

declare global {
  interface HTMLElementTagNameMap {
    'pga-login-form': PgaLoginForm;
  }
}
