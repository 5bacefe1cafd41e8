import { css, html, LitElement, nothing } from 'lit';
import { GatewayController } from '../../controllers/gateway-controller.ts';
import { define } from '../../define.ts';
import { fieldInput, placeFieldError, type FormFields } from '../../form-errors.ts';
import { sharedStyles } from '../../styles/shared-styles.ts';

interface RoleGrantRow {
  role_name: string;
  access: Access;
  can_login: boolean;
}

const ACCESS = ['viewer', 'operator', 'admin', 'agent'] as const;
type Access = (typeof ACCESS)[number];

/** What each access lets a role do, in the words of grant_role's documentation. */
const ACCESS_MEANING: Record<Access, string> = {
  viewer: 'reads everything',
  operator: 'viewer, plus start, kill, enable and disable',
  admin: 'operator, plus create, change, delete and grant access',
  agent: 'runs jobs (the agent protocol only)',
};

const GRANT_FIELDS: FormFields = {
  role_name: { control: 'grant_role_name', label: 'Role' },
  access: { control: 'grant_access', label: 'Access' },
};

/**
 * Who may use pgAutomator: the database roles holding viewer, operator, admin or agent access
 * (list_role_grants), granting one to an existing login role and revoking it (asking first). The
 * roles themselves are the database's (CREATE ROLE ... LOGIN): this grants access, it makes no
 * users. Admins only: the list itself is an admin's read.
 *
 * @attr gateway-url - the gateway ('' = this page's origin)
 * @csspart grants - the section
 */
export class PgaRoleGrants extends LitElement {
  static override properties = {
    gatewayUrl: { type: String, attribute: 'gateway-url' },
    grants: { state: true },
    notice: { state: true },
    fieldErrors: { state: true },
  };
  declare gatewayUrl: string;
  declare grants: RoleGrantRow[];
  declare notice: string;
  declare fieldErrors: Record<string, string>;

  static override styles = [
    sharedStyles,
    css`
      td { overflow-wrap: anywhere; }
      td.actions { white-space: nowrap; }
      .field { display: flex; flex-direction: column; gap: 2px; min-width: 0; }
      form.row input, form.row select { min-width: 0; }
      @media (max-width: 700px) {
        thead { display: none; }
        table, tbody, tr, td { display: block; width: 100%; }
        tr { border-bottom: 2px solid var(--_line); }
        td { border: none; padding: 2px 4px; }
      }
    `,
  ];

  private readonly gateway = new GatewayController(this, { onReady: () => void this.load() });

  constructor() {
    super();
    this.gatewayUrl = '';
    this.grants = [];
    this.notice = '';
    this.fieldErrors = {};
  }

  async load(): Promise<void> {
    if (!this.gateway.can('pgautomator_admin')) return;
    const rows = await this.gateway.run((c) => c.read<RoleGrantRow[]>('list_role_grants'));
    if (rows) this.grants = rows;
  }

  private async change(what: string, work: () => Promise<unknown>, form?: HTMLFormElement): Promise<void> {
    this.gateway.clearError();
    this.notice = '';
    this.fieldErrors = {};
    const done = await this.gateway.run(async () => {
      await work();
      return true;
    });
    if (!done) {
      await placeFieldError(this, this.gateway, GRANT_FIELDS);
      return;
    }
    form?.reset();
    await this.load();
    this.notice = what;
  }

  private grant(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const f = new FormData(form);
    const role = String(f.get('grant_role_name') ?? '').trim();
    const access = String(f.get('grant_access') ?? '');
    void this.change(`Granted ${access} access to “${role}”.`, () => this.gateway.client.call('grant_role', { role_name: role, access }), form);
  }

  private revoke(g: RoleGrantRow): void {
    const self = g.role_name === this.gateway.session?.user;
    // Revoking one's own admin access locks the user out of this very screen: the question says so.
    const consequence = self && g.access === 'admin' ? ' You are logged in as this role: you will no longer be able to change settings.' : '';
    if (!confirm(`Revoke ${g.access} access from “${g.role_name}”?${consequence} Access it holds through another grant stays.`)) return;
    void this.change(`Revoked ${g.access} access from “${g.role_name}”.`, () => this.gateway.client.call('revoke_role', { role_name: g.role_name, access: g.access }));
  }

  override render() {
    if (this.gateway.anonymous || !this.gateway.can('pgautomator_admin')) return nothing;
    return html`<section class="card" part="grants" aria-labelledby="h-grants">
      <h3 id="h-grants">Access</h3>
      <p class="muted">Database roles that may use pgAutomator. Admin includes operator, which includes viewer. Create a login role in the database first (CREATE ROLE … LOGIN), then grant it access here.</p>
      ${this.gateway.error ? html`<div class="banner" role="alert">${this.gateway.error.message}</div>` : nothing}
      ${this.notice ? html`<div class="banner info" role="status">${this.notice}</div>` : nothing}
      <table aria-label="Access grants">
        <thead><tr><th>Role</th><th>Access</th><th>Can log in</th><th>Actions</th></tr></thead>
        <tbody>
          ${this.grants.length === 0 ? html`<tr><td colspan="4" class="muted">Nobody has been granted access yet (superusers need none).</td></tr>` : nothing}
          ${this.grants.map(
            (g) => html`<tr data-grant="${g.role_name}:${g.access}"><td><strong>${g.role_name}</strong></td><td>${g.access} <span class="muted">(${ACCESS_MEANING[g.access] ?? ''})</span></td>
              <td>${g.can_login ? 'yes' : 'no'}</td>
              <td class="actions"><button class="danger" aria-label="Revoke ${g.access} access from ${g.role_name}" @click=${() => this.revoke(g)}>Revoke</button></td></tr>`,
          )}
        </tbody>
      </table>
      <form class="row" aria-label="Grant access" @submit=${this.grant}>
        ${fieldInput(this.fieldErrors, 'grant_role_name', 'Role', { required: true, placeholder: 'alice' })}
        <span class="field"><label>Access<select name="grant_access" aria-invalid=${this.fieldErrors.grant_access ? 'true' : 'false'} aria-describedby="err-grant_access">
          ${ACCESS.map((a) => html`<option value=${a}>${a}: ${ACCESS_MEANING[a]}</option>`)}</select></label>
          ${this.fieldErrors.grant_access ? html`<span class="field-error" id="err-grant_access" role="alert">${this.fieldErrors.grant_access}</span>` : nothing}</span>
        <button class="primary" type="submit">Grant access</button>
      </form>
    </section>`;
  }
}
define('pga-role-grants', PgaRoleGrants);

declare global {
  interface HTMLElementTagNameMap {
    'pga-role-grants': PgaRoleGrants;
  }
}
