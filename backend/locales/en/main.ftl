# Licita — English texts. Every key must also exist in es/main.ftl.

## Navigation and shell
nav-home = Home
nav-dashboard = My dashboard
nav-admin = Administration
nav-audit = Audit
nav-account = My account
nav-login = Log in
nav-logout = Log out
nav-label = Main navigation
skip-to-content = Skip to content
footer-tagline = Licita: public procurement that is open, sealed and auditable.
footer-api = API documentation
lang-switch-es = Español
lang-switch-en = English
header-signed-in-as = { $name } ({ $role })
yes = Yes
no = No

## Roles
role-supplier = Supplier
role-officer = Procurement officer
role-auditor = Auditor
role-admin = Administrator

## Error pages
error-page-forbidden = Your account is not allowed to see this page.
error-page-csrf = The form expired or did not come from Licita. Go back, reload the page and try again.
error-page-not-found = We could not find that page. Check the address.
error-page-bad-request = We could not read what you sent. Go back and try again.
error-page-too-many = Too many attempts. Wait a few minutes and try again.
error-page-internal = Something went wrong on our side. It has been logged; try again in a few minutes.
error-page-home = Back to the home page

## API problems (RFC 9457)
problem-validation = Some data needs correcting
problem-unauthenticated = You must log in
problem-invalid-credentials = Wrong email or password
problem-forbidden = Not allowed
problem-csrf = CSRF token missing or wrong
problem-not-found = Not found
problem-conflict = Already exists
problem-too-many-requests = Too many attempts
problem-malformed = Malformed request
problem-unavailable = Service unavailable
problem-internal = Internal error
problem-malformed-detail = The request body could not be read
problem-too-many-requests-detail = Too many failed attempts. Try again in { $minutes } minutes.

## Field names
field-email = Email address
field-password = Password
field-display-name = Name
field-role = Role
field-buyer-id = Buyer entity
field-locale = Language
field-name = Entity name
field-ruc = RUC
field-token = Verification link
field-current-password = Current password
field-new-password = New password
field-chain = Chain

## Field errors
error-summary-title = There is a problem
error-required = “{ $field }” is required.
error-too-short = “{ $field }” must have at least { $min } characters.
error-too-long = “{ $field }” allows at most { $max } characters.
error-control-characters = “{ $field }” contains characters that are not allowed.
error-invalid-email = “{ $field }” is not a valid email address.
error-password-too-short = “{ $field }” must have at least { $min } characters.
error-password-weak = “{ $field }” is too weak: do not repeat a single character.
error-invalid-role = “{ $field }” must be supplier, officer, auditor or admin.
error-ruc-digits = “{ $field }” may contain digits only.
error-ruc-length = “{ $field }” must have 11 digits (it has { $length }).
error-ruc-prefix = “{ $field }” must start with 10, 15, 16, 17 or 20.
error-ruc-check-digit = “{ $field }” is not valid: the check digit does not match.
error-ruc-taken = An entity with that RUC is already registered.
error-email-taken = An account with that email address already exists.
error-invalid-buyer = “{ $field }” is not a registered buyer entity.
error-buyer-required = A procurement officer must belong to a buyer entity: choose “{ $field }”.
error-buyer-only-for-officers = Only procurement officers belong to a buyer entity: leave “{ $field }” empty.
error-invalid-locale = “{ $field }” must be Spanish (es) or English (en).
error-invalid-token = The verification link is not valid, was already used or has expired.
error-wrong-password = “{ $field }” is not correct.
error-password-unchanged = “{ $field }” must differ from the current one.
error-invalid-chain = “{ $field }” must look like type:id, for example user:7.

## Notices after an action
notice-signed-out = You have logged out.
notice-password-changed = Your password has changed. Your other open sessions were closed.
notice-buyer-created = Buyer entity registered.
notice-user-created = Account created. An email was sent to verify the address.
notice-email-verified = Your email address is verified.

## Home
home-title = Public procurement open to every company
home-lead = Licita is the e-procurement marketplace where government entities call for bids, companies bid, and any citizen can review every award.
home-point-sealed = Bids sealed with cryptography: nobody reads them before the deadline.
home-point-audit = Every change is kept in a hash-chained log that anyone can verify.
home-point-open = Public tenders, opening transcripts and contracts, with open data.
home-point-light = Light pages that work without JavaScript, from a telecentre too.

## Dashboard
dashboard-title = My dashboard
dashboard-greeting = Hello, { $name }.
dashboard-role-supplier = As a supplier you will register your company and submit bids.
dashboard-role-officer = As a procurement officer you will draft and publish your entity's tenders.
dashboard-role-auditor = As an auditor you can review the whole log and verify its integrity.
dashboard-role-admin = As an administrator you manage buyer entities and officer and auditor accounts.
dashboard-buyer = Buyer entity: { $buyer }
dashboard-email-unverified = You have not verified your email address yet. Use the link we sent you.

## Login
login-title = Log in
login-intro = Log in with your account's email address and password.
login-submit = Log in
login-failed = The email address or password is not correct.

## Account
account-title = My account
account-buyer = Buyer entity
account-email-status = Email verified
account-email-verified = Yes
account-email-unverified = No, pending
account-password-title = Change password
account-password-submit = Change password
hint-password = 10 to 128 characters. A phrase you can remember makes a good password.
hint-ruc = 11 digits, for example 20131380951.

## Email verification
verify-title = Verify email address
verify-intro = Confirm that this email address is yours.
verify-submit = Verify my email

## Audit
audit-title = Audit log integrity
audit-counts = { $events } events checked in { $chains } chains.
audit-intact = The log is intact: every chain matches.
audit-broken = The log was altered: event { $id } (chain { $chain }, position { $seq }) does not match: { $reason }.
audit-reason-hash = its content changed
audit-reason-link = it does not link to the previous event
audit-reason-sequence = an event before it is missing

## Administration
admin-title = Administration
admin-buyers = Buyer entities
admin-created = Registered
admin-new-buyer = Register a buyer entity
admin-create-buyer = Register entity
admin-users = Accounts
admin-verified = Email verified
admin-new-user = Create an account
admin-create-user = Create account
admin-no-buyer = (none)

## Emails
email-welcome-subject = Welcome to Licita, { $name }: verify your email
email-welcome-body =
    Hello { $name },

    A { $role } account was created for you on Licita, the public e-procurement marketplace.

    To verify your email address, open this link (it expires in 7 days):
    { $link }

    If you did not expect this message, ignore it.

    — Licita
