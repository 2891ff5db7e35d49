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
problem-conflict = In conflict with what is already recorded
problem-too-many-requests = Too many attempts
problem-malformed = Malformed request
problem-unavailable = Service unavailable
problem-internal = Internal error
unreadable-part-body = the request body
unreadable-part-path = the address (path)
unreadable-part-query = the address's parameters
unreadable-part-form = the form
unreadable-syntax = Could not read { $part }: it is not valid JSON (line { $line }, column { $column }).
unreadable-truncated = Could not read { $part }: it ends too early.
unreadable-content-type = Could not read { $part }: send it as application/json.
unreadable-interrupted = Could not receive all of { $part }; please try again.
unreadable-missing-field = “{ $field }” is missing from { $part }.
unreadable-value-field = “{ $field }” in { $part } does not have the expected type or form.
unreadable-value = Could not read { $part }: a value does not have the expected type or form.
problem-too-many-requests-detail = Too many attempts in a short time. Try again in { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
}.

## Field names
field-email = Email address
field-contact-address = Procurement office address (optional)
field-contact-district = District (optional)
field-contact-department = Department (optional)
field-contact-telephone = Procurement office telephone (optional)
hint-contact-address = Published with the open data of its tenders, so bidders and citizens know whom to contact.
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
field-after = After release
field-since = Since
field-before = Before
field-limit = Items per page
field-chain = Chain

## Field errors
error-summary-title = There is a problem
error-required = “{ $field }” is required.
error-too-short = “{ $field }” must have at least { $min } characters.
error-too-long = “{ $field }” allows at most { $max } characters.
error-control-characters = “{ $field }” contains characters that are not allowed.
error-invisible-characters = “{ $field }” contains invisible characters (zero-width, or ones that change the direction of text); type it without them.
error-checkpoint-order = The first checkpoint (“from”) must come before the second (“to”) or be the same.
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
error-invalid-reset-token = This password reset link is not valid, was already used, or has expired (a link works for one hour and only the newest one works). Ask for a new one.
error-invalid-chain = “{ $field }” must look like type:id, for example user:7.

## Notices after an action
notice-signed-out = You have logged out.
notice-password-changed = Your password has changed. Your other open sessions were closed.
notice-buyer-created = Buyer entity registered.
notice-user-created = Account created. An email was sent to verify the address.
notice-email-verified = Your email address is verified.
notice-reset-sent = If an account uses that address, we have sent it a link to choose a new password. It works for one hour.
notice-password-reset = Your password has been changed and every open session was closed. Log in with the new password.

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
dashboard-role-supplier = As a supplier, this is where you submit your company's bids and follow their outcome.
dashboard-role-officer = As a procurement officer you will draft and publish your entity's tenders.
dashboard-role-auditor = As an auditor you can review the whole log and verify its integrity.
dashboard-role-admin = As an administrator you manage buyer entities and officer and auditor accounts.
dashboard-role-registry = As a registry officer you review companies' registrations and record their sanctions.
panel-registrations-all = Every registration waiting for review ({ $count })
dashboard-buyer = Buyer entity: { $buyer }
dashboard-email-unverified = You have not verified your email address yet. Use the link we sent you.

## Login
login-title = Log in
login-intro = Log in with your account's email address and password.
login-submit = Log in
login-failed = The email address or password is not correct.
login-forgot = Forgot your password?
reset-request-title = Reset your password
reset-request-intro = Type the email address of your account. If it belongs to an account, we will send it a link to choose a new password. The link works for one hour.
reset-request-submit = Send me the link
reset-title = Choose a new password
reset-intro = Type the new password for your account. Every open session will be closed. Your opening passphrase (for sealed bids) does not change.
reset-submit = Change my password
reset-request-again = Ask for a new link

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
audit-counts = { $events ->
    [one] 1 event
   *[other] { $events } events
} checked in { $chains ->
    [one] 1 chain
   *[other] { $chains } chains
}.
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
email-reset-subject = Licita: reset your password
email-reset-body =
    Hello { $name },

    Someone (probably you) asked to reset the password of your Licita account.

    To choose a new password, open this link (it works for { $minutes } minutes, once):
    { $link }

    If you did not ask for it, ignore this message: your password does not change.

    — Licita

email-welcome-subject = Welcome to Licita, { $name }: verify your email
email-welcome-body =
    Hello { $name },

    A { $role } account was created for you on Licita, the public e-procurement marketplace.

    To verify your email address, open this link (it expires in 7 days):
    { $link }

    If you did not expect this message, ignore it.

    — Licita

## Supplier registry — fields
field-legal-name = Legal name
field-trade-name = Trade name
field-legal-form = Legal form
field-department = Department
field-province = Province
field-district = District
field-address = Address
field-contact-email = Contact email
field-contact-phone = Contact phone
field-categories = Categories (UNSPSC segments)
field-owner-name = Account owner's name
field-owner-email = Account owner's email
field-owner-password = Account owner's password
field-decision = Decision
field-reason = Reason or legal ground
field-until = Debarred through (inclusive)
field-user-id = User
field-category = Category
field-q = Words
suppliers-q-hint = Legal name, trade name or RUC
tenders-q-hint = Words of the title or description, such as “computadoras” or “veredas”
field-per-page = Results per page

## Supplier registry — errors
error-unknown-category = “{ $field }”: category { $code } does not exist.
error-invalid-classification-filter = “{ $field }” must have 2, 4, 6 or 8 digits and start with a segment of the catalogue (e.g. 43 or 43211507).
error-too-many-categories = “{ $field }”: choose at most { $max } categories.
error-unknown-department = “{ $field }” is not a department of Peru.
error-invalid-phone = “{ $field }” is not a valid phone number (at least 6 digits; spaces, +, - and parentheses allowed).
error-unknown-legal-form = “{ $field }” is not a known legal form.
error-legal-form-ruc-mismatch = “{ $field }” does not match the RUC: RUCs 10, 15 and 17 are natural persons, 20 legal entities.
error-supplier-ruc-taken = A company with that RUC is already registered.
error-out-of-range = “{ $field }” is out of the allowed range.
error-out-of-range-between = “{ $field }” must be between { $min } and { $max }.
error-invalid-decision = “{ $field }” must be verify, reject, suspend, reinstate or debar.
error-date-not-future = “{ $field }” must be a date after today.
error-invalid-date = “{ $field }” must be a date written YYYY-MM-DD.
error-decision-not-allowed = That decision does not apply to a supplier whose status is “{ $status }”.
error-owner-email-unverified = The owner has not verified their email yet; the company cannot be verified before that.
error-not-an-officer = “{ $field }” must be a procurement officer.
error-not-a-supplier-account = That address belongs to an account that is not a supplier's.
error-already-member = That account already belongs to a company.
error-inviter-email-unverified = First verify your own email address with the link we sent you: only then can you invite other people.
error-invalid-invitation = The invitation is not valid, was already used or has expired.
error-invitation-for-another-email = The invitation was sent to another email address.
error-sign-in-to-accept = An account with that address exists: log in with it to accept the invitation.
error-cannot-remove-owner = The owner cannot remove themselves; hand ownership over first.
error-already-owner = That person is already the owner.
error-not-a-member = “{ $field }” is not a member of the company.

## Statuses and sanctions
status-pending = Pending review
status-verified = Verified
status-rejected = Rejected
status-suspended = Suspended
status-debarred = Debarred
sanction-suspension = Suspension
sanction-debarment = Debarment
missing-owner-email-unverified = The owner must verify their email address (use the link we sent).
missing-pending-review = A registry officer must review and verify the company.
missing-rejected = The registration was rejected.
missing-suspended = The company is suspended until reinstated.
missing-debarred = The company is debarred through { $until }.

## Registry emails
email-supplier-verified-subject = { $legal_name } is verified on Licita
email-supplier-verified-body =
    Hello { $name },

    The registration of { $legal_name } was verified. You can now bid on Licita.

    — Licita
email-supplier-rejected-subject = The registration of { $legal_name } was rejected
email-supplier-rejected-body =
    Hello { $name },

    The registration of { $legal_name } was rejected for this reason:
    { $reason }

    — Licita
email-supplier-suspended-subject = { $legal_name } was suspended on Licita
email-supplier-suspended-body =
    Hello { $name },

    { $legal_name } was suspended and cannot bid until reinstated. Reason:
    { $reason }

    — Licita
email-supplier-reinstated-subject = { $legal_name } was reinstated on Licita
email-supplier-reinstated-body =
    Hello { $name },

    { $legal_name } was reinstated and may bid again. Reason:
    { $reason }

    — Licita
email-supplier-debarred-subject = { $legal_name } is debarred through { $until }
email-supplier-debarred-body =
    Hello { $name },

    { $legal_name } is debarred from public contracts through { $until } (inclusive). Legal ground:
    { $reason }

    The sanction is public on the list of sanctioned suppliers.

    — Licita
email-ownership-received-subject = You now own { $legal_name } on Licita
email-ownership-received-body =
    Hello { $name },

    Ownership of the { $legal_name } account on Licita was handed over to you.

    — Licita
email-invitation-subject = { $inviter } invites you to join { $legal_name } on Licita
email-invitation-body =
    Hello,

    { $inviter } invites you to join the { $legal_name } account on Licita, the public e-procurement marketplace.

    To accept, open this link (it expires in 7 days):
    { $link }

    If you did not expect this message, ignore it.

    — Licita

## Supplier registry — pages
nav-suppliers = Suppliers
nav-awards = Awards
nav-transparency = Transparency
nav-my-company = My company
nav-registry = Supplier registry
suppliers-title = Supplier directory
suppliers-lead = Companies registered and verified in the supplier registry. Only they may bid.
suppliers-search = Search
suppliers-all-categories = All categories
suppliers-none = No supplier matches the search.
suppliers-count = { $total ->
    [one] 1 supplier found.
   *[other] { $total } suppliers found.
}
suppliers-status = Status
suppliers-sanctions-link = See sanctioned suppliers
suppliers-register-link = Register my company
page-previous = Previous
page-next = Next
page-of = Page { $page } of { $pages }
page-beyond = Page { $page } does not exist: this list has { $pages ->
    [one] 1 page
   *[other] { $pages } pages
}.
page-last = Go to the last page
sanctions-title = Sanctioned suppliers
sanctions-lead = Suspensions and debarments in force today. While a sanction lasts the company cannot bid.
sanctions-none = No sanction is in force.
sanctions-kind = Sanction
sanctions-ground = Ground
sanctions-from = From
sanctions-until = Until
sanctions-until-reinstated = Until reinstated
register-title = Register a company
register-intro = Register your company in the supplier registry. A registry officer reviews it once you have verified your email address.
register-company = Company
register-address = Registered address
register-contact = Contact
register-owner = Account owner
register-owner-hint = The person who will manage the company's account on Licita.
register-submit = Register company
register-signed-in = You are logged in with an account. To register another company, log out.
supplier-location = Location
supplier-contact = Contact
supplier-registered = Registered
company-title = My company
company-can-bid = Your company may bid.
company-cannot-bid = Your company cannot bid yet. Missing:
company-members = People of the company
company-member-role-owner = Owner
company-member-role-member = Member
company-invite = Invite a person
company-invite-submit = Send invitation
company-remove = Remove
company-make-owner = Make owner
company-edit-profile = Edit contact data and categories
company-none = Your account belongs to no company. Register a company or ask its owner to invite you.
profile-title = Company data
profile-submit = Save changes
profile-identity-note = Legal name and RUC are changed by a registry officer only.
invitation-title = Invitation to a company
invitation-intro = You are invited to join { $legal_name } with the email { $email }.
invitation-accept = Accept the invitation
invitation-new-account = Create your account to accept
registry-title = Supplier registry
registry-queue = Registrations to review
registry-queue-empty = No registration is pending.
registry-email-pending = Owner's email not verified
registry-email-ok = Owner's email verified
registry-open = Review
registry-all = Reviewed suppliers
registry-decide = Record a decision
registry-decision-verify = Verify
registry-decision-reject = Reject
registry-decision-suspend = Suspend
registry-decision-reinstate = Reinstate
registry-decision-debar = Debar through a date
registry-decision-submit = Record decision
registry-identity-title = Correct legal name or RUC
registry-identity-submit = Save correction
admin-registry = Registry
admin-grant = Grant registry permission
admin-withdraw = Withdraw registry permission
notice-supplier-registered = Company registered. Verify your email address with the link we sent you.
notice-profile-updated = Data updated.
notice-invitation-sent = Invitation sent.
notice-member-removed = The person was removed from the company.
notice-owner-changed = Ownership was handed over.
notice-decision-recorded = Decision recorded and sent to the owner.
notice-identity-changed = Legal name and RUC updated.
notice-joined = You are now part of the company.
notice-permission-changed = Registry permission updated.

## Amounts
error-invalid-currency = “{ $field }” must be PEN or USD.
error-invalid-amount = “{ $field }” must be an amount in figures, such as 450,000.50 or 450000.50.
error-amount-ambiguous = “{ $field }” could be read as another amount: write thousands with a comma and cents with a point, such as 450,000.50 or 450000.50 (not 450.000,50).
error-amount-negative = “{ $field }” cannot be negative.
error-amount-too-precise = “{ $field }” allows at most two decimals (cents), such as 450,000.50.
error-amount-out-of-range = “{ $field }” is too large.

## Tenders
field-title = Title
field-description = Description
field-method = Procurement method
field-procurement-category = Procurement category
field-classification = UNSPSC code
field-currency = Currency
field-lots = Lots
field-lot-title = Lot description
field-lot-quantity = Quantity
field-lot-unit = Unit of measure
field-lot-value = Lot estimated value
field-award-criteria = Award criteria
field-price-weight = Price points
field-quality-criteria = Quality criteria
field-criterion-name = Criterion name
field-criterion-weight = Criterion points
field-enquiry-deadline = Enquiry deadline
field-submission-deadline = Submission deadline
field-opening-at = Bid opening
field-committee = Opening committee
field-observer = Observing auditor
field-committee-threshold = How many members must be present to open
field-documents = Documents
field-file = File
field-status = Status
field-question = Question
field-answer = Answer
field-ground = Ground for cancellation
field-rationale = Rationale of the amendment
field-withdraw-documents = Withdrawn documents
field-segments = Categories
field-buyers = Buyer entities
field-buyer = Buyer entity
field-sort = Order
field-page = Page
field-value-min = Minimum value
field-value-max = Maximum value
field-deadline-from = Deadline from
field-deadline-to = Deadline to
field-amount = Amount
error-in-lot = lot { $n }
error-in-criterion = criterion { $n }
error-invalid-choice = “{ $field }” is not one of the allowed options.
error-lots-required = Add at least one lot.
error-too-many = “{ $field }”: at most { $max }.
error-invalid-quantity = “{ $field }” must be a number above zero with up to three decimals.
error-quality-criteria-count = Give between 1 and { $max } quality criteria.
error-weights-must-sum-100 = Price and quality points must add up to 100 (they add up to { $sum }).
error-invalid-classification = “{ $field }” must be an 8-digit UNSPSC code of a known segment.
error-invalid-datetime = “{ $field }” must be a date and time such as 2026-12-10 17:00 (Lima time) or, in the API, 2026-12-10T17:00:00-05:00.
error-datetime-without-offset = “{ $field }” must carry its UTC offset, such as 2026-12-10T17:00:00-05:00 (Lima time) or 2026-12-10T22:00:00Z (UTC): without one the time is unknown.
error-in-the-past = “{ $field }” has already passed.
error-period-too-short = “{ $field }”: this method requires at least { $min } calendar days from publication (there are { $days }).
error-enquiry-after-submission = “{ $field }” must come before the submission deadline.
error-opening-before-deadline = “{ $field }” cannot be before the submission deadline.
error-committee-not-buyer-officer = “{ $field }”: user { $user } is not an active officer of this entity.
error-observer-not-auditor = “{ $field }” must be an active auditor.
error-committee-too-small = “{ $field }” needs at least { $min } officers of the entity.
error-threshold-out-of-range = “{ $field }” must be between 2 and { $max } (the committee's size).
error-lot-unvalued = Lot { $lot } has no estimated value.
error-documents-required = Attach at least one document (the tender documents) before publishing.
error-tender-not-draft = Only a draft can be edited or published; this tender is “{ $status }”. Use an amendment.
error-tender-not-cancellable = A tender that is “{ $status }” cannot be cancelled.
error-tender-not-amendable = A tender that is “{ $status }” cannot be amended.
error-tender-closed-for-documents = Documents cannot be added to a tender that is “{ $status }”.
error-enquiries-closed = The enquiry period is over (status “{ $status }”).
error-answers-closed = Questions are answered until the submission deadline, which has passed (status “{ $status }”).
error-supplier-cannot-bid = Your company may not take part yet (check its registration).
error-already-answered = That question has already been answered.
error-deadline-moved-earlier = “{ $field }” cannot be brought forward once the tender is published.
error-amendment-requires-extension = This amendment comes less than { $days } days before the deadline: “{ $field }” must move to at least { $until } (Lima time).
error-unknown-document = “{ $field }”: document { $id } is not published in this tender.
error-amendment-without-changes = The amendment changes nothing: change some data or upload a document.
error-file-missing = Choose a file.
error-file-name-invalid = The file name is not valid: no slashes, no “..”, with an extension, up to 200 characters.
error-file-type-unsupported = The file's content (.{ $ext }) is not a PDF, office document, PNG/JPEG image or ZIP.
error-file-type-mismatch = The file's content does not match its .{ $ext } extension (it looks like .{ $detected }).
error-file-too-large = The file is larger than the { $max } MB limit.
error-file-empty = The file is empty.
error-unknown-buyer = “{ $field }”: entity { $id } does not exist.
error-page-beyond-window = Only the first { $max } results can be paged through: narrow the search.
problem-too-large = File too large
status-draft = Draft
status-open = Open
status-enquiries-closed = Enquiries closed
status-closed = Submission closed
status-cancelled = Cancelled
status-awarded = Awarded
status-unsuccessful = Unsuccessful
method-licitacion-publica = Public tender (licitación pública)
method-concurso-publico = Public competition (concurso público)
method-adjudicacion-simplificada = Simplified award (adjudicación simplificada)
method-subasta-inversa-electronica = Electronic reverse auction
ocds-auction-rules = Electronic reverse auction: each bidder starts from its sealed price and may only lower its own price, by at least { $step } { $currency } per bid; the window lasts { $window } minutes; a bid that ties or beats the best price in the last { $extension } minutes moves the close to { $extension } minutes after it, at most { $times } times; if no server takes bids for more than { $gap } seconds, the close moves by that time. The server clock decides.
method-comparacion-precios = Price comparison
method-contratacion-directa = Direct contracting
category-goods = Goods
category-works = Works
category-services = Services
criteria-lowest-price = Lowest price
criteria-price-quality = Price and quality
email-tender-published-subject = New tender: { $title }
email-tender-published-body =
    Hello { $name },

    { $buyer } published a tender matching your alerts:
    { $title } ({ $ocid })

    See it at { $link }
email-tender-amended-subject = Amendment to { $title }
email-tender-amended-body =
    Hello { $name },

    The tender { $title } ({ $ocid }) of { $buyer } was amended. See what changed at { $link }
email-tender-cancelled-subject = Cancelled: { $title }
email-tender-cancelled-body =
    Hello { $name },

    { $buyer } cancelled the tender { $title } ({ $ocid }). The ground is published at { $link }
email-tender-answered-subject = New answer on { $title }
email-tender-answered-body =
    Hello { $name },

    A question on the tender { $title } ({ $ocid }) was answered. Read it at { $link }
nav-tenders = Tenders
nav-my-tenders = My tenders
tenders-title = Tenders
tenders-lead = Search tenders published by public entities. No account is needed to search or to read a tender.
tenders-any = Any
tenders-search = Search
tenders-more-filters = More filters
tenders-count = { $total ->
    [one] 1 tender found.
   *[other] { $total } tenders found.
}
tenders-count-more = More than { $total } tenders found; narrow the search.
tenders-any-word = No tender has every word searched for: these are the tenders with any of them.
tenders-none = No tender matches the search.
tenders-classification-hint = Two digits for a segment (pick from the list, e.g. 43 for IT equipment), four for a family, six for a class or eight for a commodity, e.g. 43211507; 43211500 is the class 432115.
tenders-sort-deadline = Closing soonest first
tenders-sort-deadline-desc = Closing latest first
tenders-sort-published-desc = Most recently published
tenders-sort-value = Lowest value first
tenders-sort-value-desc = Highest value first
tender-estimated-value = Estimated value
tender-ocid = OCDS identifier (ocid)
tender-no-ocid = Assigned at publication
tender-published-at = Published
tender-countdown = Time left to submit bids:
tender-deadline-not-working-day = The submission deadline falls on { $date }, a non-working day (a weekend or a public holiday): many bidders cannot prepare or submit their bid that day. Consider moving it with an amendment.
tender-remaining = { $days ->
    [one] 1 day
   *[other] { $days } days
}, { $hours ->
    [one] 1 hour
   *[other] { $hours } hours
} and { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
} left (as of loading this page).
tender-deadline-passed = deadline passed
tender-cancelled-notice = Tender cancelled on { $at }. Ground: { $ground }
tender-schedule = Schedule (Lima time)
tender-lots = Lots
tender-lot-number = No.
tender-criteria = Award criteria
tender-points = Points
tender-committee = Opening committee
tender-threshold = { $k ->
    [one] 1 member is needed to open the bids.
   *[other] { $k } members must be present to open the bids.
}
committee-member = member
committee-observer = observing auditor
tender-documents = Documents
tender-hash-help = Each file shows its SHA-256 fingerprint: compute it over what you downloaded (for example, sha256sum file) to check it is the published document.
tender-document-type = Type
tender-document-size = Size
tender-document-hash = SHA-256
tender-document-state = State
tender-no-documents = No documents yet.
document-staged = To be published with the next amendment
document-added-in = Added by amendment { $n }
document-withdrawn = Withdrawn by amendment { $n }
tender-enquiries = Questions and answers
tender-no-enquiries = No questions yet.
enquiry-asked = Question ({ $at }):
enquiry-answered = Answer ({ $at }):
enquiry-pending = Awaiting an answer.
tender-amendments = Amendments
tender-no-amendments = No amendments.
amendment-heading = Amendment { $n } — { $at }
amendment-material = Material amendment: bids already submitted must be confirmed again.
change-before-after = was “{ $before }”, now “{ $after }”
change-description = Description
change-enquiry-deadline = Enquiry deadline
change-submission-deadline = Submission deadline
change-opening-at = Bid opening
change-lots = Lots
change-criteria = Award criteria
change-documents-added = Documents added
change-documents-withdrawn = Documents withdrawn
enquiry-ask-heading = Ask a question
enquiry-ask-help = Your question and its answer are published to everyone, without your company's name.
enquiry-ask-submit = Send question
tender-follow = Follow this tender (email notices)
tender-unfollow = Stop following this tender
tender-manage = Manage the tender
tender-edit = Edit draft
tender-upload = Attach a document
tender-upload-staged = Upload a document (published with the next amendment)
tender-upload-submit = Upload
tender-publish = Publish tender
tender-publish-help = Publishing checks the method's minimum periods, the committee and the lots; afterwards the tender changes only through amendments.
tender-amend = Amend
tender-cancel = Cancel tender
enquiry-answer-label = Answer to: { $question }
enquiry-answer-submit = Publish answer
tender-new-title = New tender
tender-edit-title = Edit draft
tender-new-lead = Only officers of your entity see the draft until you publish it.
tender-lots-help = One row per lot; empty rows are ignored. The tender's estimated value is the sum of its lots.
tender-lot-n = Lot { $n }
tender-criterion-n = Quality criterion { $n }
tender-price-weight-help = Price and quality only: points for price; with the quality criteria they must add up to 100.
tender-classification-help = 8-digit UNSPSC code, e.g. 43211500 (computers).
tender-lima-time = YYYY-MM-DD HH:MM, Lima time (for example 2026-12-10 17:00).
tender-committee-help = At least two officers of your entity.
tender-no-observer = No observer
tender-save-draft = Save draft
amend-title = Amend: { $title }
amend-lead = Change what is needed and explain why. The amendment history is public.
amend-material = Material amendment
amend-material-help = Bids already submitted will have to be confirmed again.
amend-staged = This amendment publishes the uploaded documents: { $files }.
amend-submit = Publish amendment
cancel-title = Cancel: { $title }
cancel-lead = The cancellation is public and interested suppliers are emailed. It cannot be undone.
cancel-submit = Cancel the tender
my-tenders-title = My entity's tenders
alerts-title = Tender alerts
alerts-lead = Get an email when a tender of these entities or categories is published, amended or cancelled.
alerts-save = Save alerts
notice-tender-drafted = Draft saved. Attach the documents and publish it when ready.
notice-tender-saved = Draft updated.
notice-document-uploaded = Document uploaded.
notice-tender-published = Tender published.
notice-enquiry-sent = Question sent. We will email you when it is answered.
notice-enquiry-answered = Answer published.
notice-tender-followed = You now follow this tender.
notice-tender-unfollowed = You no longer follow this tender.
notice-tender-amended = Amendment published.
notice-tender-cancelled = Tender cancelled.
notice-alerts-saved = Alerts saved.
tender-remaining-short = { $days } d { $hours } h left

## Sealed bids
field-price = Price
field-bid = Bid
field-declarations = Sworn declarations
field-declaration-truthful = I declare that the information and documents in my bid are true
field-declaration-not-debarred = I declare that my company is not debarred or suspended from public contracts
field-declaration-no-conflict-of-interest = I declare that I have no conflict of interest with the entity or the committee
field-declaration-accepts-terms = I accept the tender's terms and conditions
field-envelope = Sealed envelope
field-idempotency-key = Idempotency key (Idempotency-Key)
field-passphrase = Opening passphrase
field-current-passphrase = Current opening passphrase
field-opening = Opening
field-receipt = Receipt
error-bid-no-price = Give the price of at least one lot.
error-lot-unknown = The tender has no such lot.
error-lot-repeated = That lot appears more than once.
error-currency-mismatch = The bid must be in { $currency }, the tender's currency.
error-price-not-positive = "{ $field }" must be greater than zero.
error-declaration-unknown = "{ $field }" contains an unknown declaration.
error-declaration-missing = You must accept: "{ $field }".
error-too-many-documents = At most { $max } documents per bid.
error-bid-too-large = The bid exceeds the { $max } MB maximum.
error-body-too-large = The request exceeds the maximum of { $max } MB.
field-body = Request body
error-not-base64 = "{ $field }" is not base64.
error-envelope-with-content = Send either a sealed envelope or the bid's content, not both.
error-envelope-invalid = The envelope is not an age file encrypted to the tender's public key.
error-tender-cancelled = The tender was cancelled.
error-contract-already-signed = A contract has been signed: the tender can no longer be cancelled.
error-contract-not-active = The contract is not being performed.
error-complaint-not-decidable = A complaint cannot be decided at this point of the tender (status: { $status }).
error-transition-not-declared = The tender's procedure does not move from “{ $status }” to “{ $to }”.
error-status-changed = The tender's status changed meanwhile (it was “{ $status }”); reload and try again.
error-action-not-in-procedure = This tender's procedure has no such step.
error-tender-not-taking-bids = The tender is not taking bids (status: { $status }).
error-deadline-passed = The submission deadline passed at { $deadline } (Lima time); the server's time when your bid arrived was { $server_time }. The bid was not accepted.
error-withdrawal-closed = Bids may be withdrawn until the submission deadline, { $deadline } (Lima time); the server's time was { $server_time }. Your bid stays in the opening.
error-bid-exists = Your company already has a live bid on this tender; replace or withdraw it.
error-idempotency-key-conflict = That Idempotency-Key was already used for a different request (another price, document, tender or bid): nothing was submitted now. Use a new key for a different bid.
error-invalid-idempotency-key = The Idempotency-Key header must be 1 to 100 visible ASCII characters.
error-bid-not-live = The bid is no longer live (status: { $status }).
error-not-frozen-yet = Bids are frozen when the submission deadline passes; the proof is available then.
error-bid-not-in-tree = That bid was not live when the deadline passed, so it is not in the tree.
error-passphrase-wrong = The opening passphrase is not correct.
error-member-without-opening-key = These committee members have not set their opening passphrase yet: { $names }.
error-opening-not-yet = The opening starts at { $opening_at } (Lima time).
error-already-opened = The bids have already been opened.
error-no-bids-received = No bids were received: there is nothing to open.
error-share-already-given = You have already given your share of the key.
error-shares-do-not-rebuild = The shares given do not rebuild the tender's key; nothing was opened.
error-file-not-stored = The document could not be stored.
email-bid-receipt-subject = Receipt for your bid no. { $bid }: { $title }
email-bid-receipt-body =
    Hello { $name },

    Licita received and sealed your bid no. { $bid } for “{ $title }” ({ $ocid }) at { $time } (Lima time).
    SHA-256 of the envelope: { $sha256 }

    Your signed receipt (keep it; check it on Licita or with any Ed25519 library):

    { $receipt }

    Nobody can read your bid before the committee opens it.
status-submitted = Live
status-superseded = Replaced
status-withdrawn = Withdrawn
result-opened = Opened
result-tampered = Tampered: does not match its receipt
result-unconfirmed = Not confirmed again after a material amendment
result-invalid = Does not open with the tender's key or does not belong to it
nav-my-bids = My bids
bids-section-heading = Sealed bids
bids-section-lead = Each bid is encrypted to this public key on arrival; only the committee, bringing together its shares of the key, can open them after the opening time.
bids-recipient = The tender's public key (age X25519):
bids-frozen-root = { $count ->
    [one] Bids frozen at the deadline: 1.
   *[other] Bids frozen at the deadline: { $count }.
} Merkle root (RFC 6962):
bids-submit-link = Submit or replace my bid
bids-opening-link = Bid opening and transcript
bid-form-title = Bid for "{ $title }"
bid-form-lead = Your price and documents are encrypted on the server as they arrive, before anything is stored: nobody can read them before the opening. You will get a signed receipt.
bid-form-replaces = Your live bid is no. { $bid } (received { $time }). Sending this form replaces it.
bid-price-for-lot = Price of lot { $n }: { $lot } ({ $currency })
bid-documents-hint = Technical proposal and annexes (PDF, Word, Excel, ODF or images). A replacement keeps the documents of your earlier bid unless you remove them; a file with the same name replaces the earlier one.
bid-submit = Review my bid before sealing it
bid-replace-submit = Review the new bid before sealing it
bid-withdraw = Withdraw my bid
bid-replace-link = Replace or withdraw this bid
bid-confirm = Confirm my bid again
bid-needs-confirmation = The tender was materially amended after your bid: confirm it again before the deadline or it will not be opened.
notice-bid-sealed = Your bid was sealed and recorded. Keep your receipt.
notice-bid-withdrawn = Your bid was withdrawn.
notice-bid-confirmed = Your bid was confirmed again.
notice-opening-key-set = Your opening passphrase is saved.
notice-share-given = Your share of the key was given.
my-bids-title = My bids
my-bids-empty = Your company has not submitted any bids yet.
my-bids-item = Bid no. { $bid }: { $title }
my-bids-download-receipt = Download the receipt (JSON)
my-bids-download-proof = Download the inclusion proof (JSON)
receipt-check-link = Check a receipt
receipt-check-title = Check a bid receipt
receipt-check-lead = Paste or upload a receipt or your bid's copy (and, if you have it, its inclusion proof) to check the server's signature, that the bid is on record and that it is in the published tree.
receipt-check-submit = Check
receipt-check-signature-valid = The signature is valid: the server issued this receipt exactly as it is.
receipt-check-signature-invalid = The signature is NOT valid: the receipt was altered or this server did not issue it.
receipt-check-on-record = The bid is on record with that hash.
receipt-check-lances = { $valid } of the transcript's { $all } bids carry this server's signature.
receipt-check-auction-on-record = The auction's record has it with this very signature.
receipt-check-auction-not-on-record = The auction's record has nothing with this signature.
auction-transcript-link = The auction's signed transcript (JSON): every bid with its receipt, every extension and the final ranking
auction-verify-link = Verify the transcript or the receipt of a bid in the auction
receipt-check-not-on-record = The bid is not on record with those details.
receipt-check-included = The proof leads from the envelope's hash to the published root.
receipt-check-not-included = The proof does NOT lead to the tender's published root.
receipt-copy-not-this-bid = The copy does NOT belong to this receipt: its tender or its RUC differ.
receipt-copy-not-yet-opened = The signature covers the receipt (tender, bid, RUC, time and the envelope's fingerprint), not the prices the copy lists: until the opening nobody, Licita included, can read them to compare.
receipt-copy-prices-match = The copy's prices are the opened bid's, lot by lot.
receipt-copy-prices-differ = The copy's prices are NOT the opened bid's: the copy was altered.
field-receipt-file = Or upload the file
hint-receipt-file = The receipt downloaded from “My bids” or the copy of your bid you received when sealing it (a .json file).
field-proof = Inclusion proof (optional)
error-receipt-unreadable = "{ $field }" is neither a readable receipt nor a bid copy (paste the text of the .json file or upload it).
error-tender-amended-while-sealing = The tender was amended while your bid was being sealed: read the amendment and submit the bid again. Nothing was recorded.
error-receipt-file-not-text = The file chosen is not a receipt: a receipt or a bid copy is a .json text file (a PDF or an image cannot be checked).
error-receipt-file-too-large = The file chosen is too large to be a receipt (at most 256 KB; a receipt or a bid copy takes a few KB).
error-proof-unreadable = "{ $field }" is not a readable JSON proof.
opening-key-title = Opening passphrase
opening-key-lead = As a possible member of an opening committee, set an opening passphrase. It protects your personal key; without it nobody can use your share of a tender's key. It cannot be recovered: keep it safe.
opening-key-change-lead = To change your opening passphrase, give the current one and the new one.
opening-key-hint = At least 12 characters. A phrase of several words is safer and easier to remember.
opening-key-submit = Save the opening passphrase
opening-title = Bid opening: { $title }
opening-back = Back to the tender
opening-state-before-opening = The opening starts at { $time }. { $threshold ->
    [one] 1 committee member is needed.
   *[other] { $threshold } committee members are needed.
}
opening-state-awaiting-shares = Opening under way: { $needed } of { $threshold } members still needed.
opening-state-opened = The bids have been opened.
opening-state-no-bids = No bids were received: there are no envelopes to open. Each lot is declared unsuccessful at the award.
opening-state-cancelled = The tender was cancelled; its bids are not opened.
opening-members = Committee members
opening-member-present = has given their share
opening-member-absent = has not given their share yet
opening-share-hint = Your opening passphrase decrypts your share of the key; with enough shares every bid is opened.
opening-share-submit = Give my share of the key
transcript-heading = Opening transcript
transcript-facts = Opened at { $time } with the shares of: { $members }. Envelopes frozen: { $count }.
transcript-root-matches = The stored hashes give the Merkle root published at the deadline.
transcript-root-differs = The stored hashes do NOT give the root published at the deadline!
transcript-bidder = Bidder
transcript-result = Result
transcript-prices = Prices
transcript-price = Lot { $lot }: { $amount }
transcript-price-withheld = Lot { $lot }: withheld until the lot's auction closes (it would tell which anonymous bidder the company is)
transcript-documents-withheld = Withheld until the auction closes (their hashes could give the company away).

## Evaluation, award, complaints, contracts and audit
field-evaluation = Evaluation
field-award = Award
field-contract = Contract
field-disqualification-ground = Ground for disqualification
field-note = Grounds in detail
field-score = Score
field-comment = Score comment
field-scores = Scores
field-admissible = Evaluation result
field-justification = Justification
field-flag-single-bid = Justification: single bid
field-flag-lowest-bid-disqualified = Justification: lowest bid disqualified
field-flag-others-all-disqualified = Justification: all other bids disqualified
field-flag-identical-prices = Justification: identical prices
flag-identical-documents = Identical documents from different bidders
field-flag-identical-documents = Justification: identical documents
field-flag-above-estimate = Justification: price above the estimate
field-flag-short-submission-period = Justification: short submission period
field-flag-modification-above-threshold = Justification: modifications above the threshold
field-grounds = Grounds of the complaint
field-reasoning = Reasoning of the decision
field-signed-on = Signing date
field-value = Contract value
field-duration-days = Duration (calendar days)
field-value-change = Change of value
field-severity = Severity
field-min-value = Amount from
field-max-value = Amount up to
field-from = Awarded from
field-to = Awarded until
field-flag = Red flag
error-bids-not-opened = The bids have not been opened yet.
error-lot-already-decided = This lot has already been awarded or declared unsuccessful.
error-bid-excluded = This bid is excluded: its award was cancelled by a complaint.
error-score-out-of-range = "{ $field }" must be between 0 and { $max } points, with at most two decimals.
error-criterion-unknown = Criterion { $criterion } does not exist in this tender.
error-evaluation-incomplete = Some bids on this lot have not been evaluated.
error-standstill-over = The period to complain about this award has ended.
error-complaint-already-filed = Your company already has a pending complaint about this award.
error-decider-made-the-award = The complaint must be decided by an officer other than the one who made the award.
error-complaint-already-decided = This complaint has already been decided.
error-award-not-final = The award is not final yet.
error-date-in-future = "{ $field }" cannot be in the future.
error-date-before-award = "{ $field }" cannot be before the award.
error-amount-not-positive = "{ $field }" must be greater than zero.
error-days-out-of-range = "{ $field }" must be a number of days from 1 to { $max }.
error-contract-value-not-positive = With this change the contract value would no longer be positive.
error-contract-already-recorded = This award already has a contract on record.
error-invalid-base64 = A document is not base64-encoded.
evaluation-pending = not evaluated
evaluation-valid = valid
evaluation-disqualified = disqualified
evaluation-excluded = excluded
complaint-status-filed = pending
complaint-status-upheld = upheld
complaint-status-dismissed = dismissed
award-status-pending = in standstill
award-status-final = final
award-status-cancelled = cancelled
award-status-unsuccessful = unsuccessful
flag-single-bid = Single bid
flag-lowest-bid-disqualified = Lowest bid disqualified
flag-others-all-disqualified = All other bids disqualified
flag-identical-prices = Identical prices from different bidders
flag-above-estimate = Winning price above the estimated value
flag-short-submission-period = Submission period shorter than usual
flag-modification-above-threshold = Contract modifications above the threshold
ground-missing-documents = Required documents missing
ground-technical-noncompliance = Does not meet the technical specifications
ground-price-above-ceiling = Price above the allowed limit
ground-supplier-not-eligible = Bidder not eligible
ground-false-declaration = False declaration
ground-other = Other ground
severity-low = low
severity-medium = medium
severity-high = high
finding-status-open = open
finding-status-addressed = addressed
finding-status-closed = closed
email-award-subject = Award of lot { $lot } of { $ocid }
email-award-body = Hello { $name },

    Lot { $lot } of "{ $title }" ({ $ocid }) was awarded to { $winner } for { $amount }.

    Ranking:
    { $ranking }

    Any bidder may file a complaint until { $standstill_end } (Lima time) from the award's page:
    { $link }
email-unsuccessful-subject = Lot { $lot } of { $ocid } declared unsuccessful
email-unsuccessful-body = Hello { $name },

    Lot { $lot } of "{ $title }" ({ $ocid }) was declared unsuccessful: no bid was valid.

    Evaluation:
    { $ranking }

    The record: { $link }
email-complaint-decided-subject = Your complaint about { $ocid } was decided
email-complaint-decided-body = Hello { $name },

    Your complaint about the award of lot { $lot } of "{ $title }" ({ $ocid }) was { $decision }.

    Reasoning: { $reasoning }
awards-title = Awards, complaints and contracts
awards-none = No lot has been awarded yet.
award-lot = Lot { $lot }: { $title }
award-winner = Awarded to { $winner } for { $amount } (estimated value { $estimate }).
award-no-winner = Declared unsuccessful: no valid bid.
award-facts = Awarded by { $by } on { $time }. Complaints accepted until: { $standstill }.
award-justification = Justification:
award-flags = Red flags and their justification
award-col-place = Place
award-col-bidder = Bidder
award-col-price = Price
award-col-points = Total points
award-col-result = Result
award-ranking = Ranking when the award was made
award-complaints = Complaints
complaint-line = { $bidder }, { $time }: { $status }
complaint-decided = Decided by { $by } on { $time }:
award-contract = Contract
contract-line = Signed on { $signed } for { $value }; { $days } days; current value { $current } ({ $percent }% change).
modification-line = Modification { $n }: { $change } ({ $percent }%). { $reason }
audit-awards-title = Awards and red flags
audit-awards-csv = Download CSV
audit-awards-count = { $count ->
    [one] 1 award
   *[other] { $count } awards
}
audit-col-tender = Tender
audit-col-lot = Lot
filter-any = All
filter-any-flag = With any red flag
filter-apply = Filter
timeline-title = Timeline: { $title }
timeline-intact = { $chains ->
    [one] The audit log chain of this tender is intact.
   *[other] The { $chains } audit log chains of this tender are intact.
}
timeline-awards-link = See the awards, complaints and contract
timeline-events-heading = What happened, in order
findings-heading = Audit findings
finding-line = Severity { $severity }, { $status } — { $auditor }, { $time }
finding-new = Record a finding
finding-submit = Record finding
evaluation-link = Bid evaluation and award
evaluation-title = Bid evaluation: { $title }
evaluation-lead = Each bid is declared valid or disqualified (with its ground); in scored tenders each criterion gets points. Valid bids rank themselves by the published rule; every entry goes to the audit log.
evaluation-estimate = Estimated value: { $amount }
evaluation-evaluate = Evaluate
evaluation-correct = Correct
evaluation-caption = Bids and ranking
evaluation-award-link = Award lot { $lot }
evaluation-decided-link = See the decision on lot { $lot }
award-col-action = Action
award-evaluation-link = Back to the evaluation
entry-title = Evaluate bid no. { $bid } on lot { $lot }
entry-bid = { $bidder } bid { $amount } for “{ $lot }”; received { $time }.
entry-choose = — Choose —
entry-admissible-yes = Valid: meets the requirements
entry-admissible-no = Disqualified
entry-ground-none = — Only when disqualifying —
entry-criterion = { $name } (up to { $max } points)
entry-scores-lead = Price is worth up to { $price } points and is computed: the lowest bid gets them all, the others in proportion. Score the other criteria here.
entry-submit = Save the evaluation
award-form-title = Award of lot { $lot }: { $title }
award-form-winner = The award goes to { $winner } for { $amount } (estimated value { $estimate }).
award-form-unsuccessful = No bid is valid: the lot will be declared unsuccessful.
award-form-blocked = This lot cannot be decided yet:
award-form-flags = Red flags
award-form-flags-lead = Each red flag is published with its justification and reviewed by auditors. Write a justification for each.
award-form-no-flags = No red flag applies to this lot.
award-form-submit = Award the lot
award-form-submit-unsuccessful = Declare the lot unsuccessful
flag-help-single-bid = Only one bid on an open or selective procedure: why was there no competition?
flag-help-lowest-bid-disqualified = The lowest bid was disqualified on a price-only tender: why?
flag-help-others-all-disqualified = Every bid but the winner was disqualified: why?
flag-help-identical-prices = Different bidders offered exactly the same price.
flag-help-identical-documents = Two different bidders handed in the same document (the same SHA-256).
flag-help-above-estimate = The winning price is above the lot's estimated value.
flag-help-short-submission-period = The submission period was shorter than the method's usual minimum.
flag-help-modification-above-threshold = The contract's modifications together exceed the configured threshold.
complaint-link = File a complaint about this award
complaint-form-title = Complaint about the award of lot { $lot }: { $title }
complaint-form-lead = You may file a complaint until { $time } (Lima time). The complaint, its documents and its decision are public.
complaint-submit = File the complaint
complaint-documents-hint = Up to 5 files (PDF, images or spreadsheets).
decision-link = Decide the complaint of { $bidder }
decision-title = Decide the complaint of { $bidder }
decision-upheld = Upheld: the award is cancelled
decision-dismissed = Dismissed: the award stands
decision-submit = Decide the complaint
contract-link = Record the contract
contract-title = Contract for lot { $lot }: { $title }
contract-documents-hint = The signed contract and its annexes, up to 5 files.
contract-submit = Record the contract
modification-link = Record a contract modification
modification-title = Modification of the contract for lot { $lot }: { $title }
modification-lead = Original value { $value }; current { $current } ({ $percent } % change). If the modifications together exceed { $threshold } % of the original value, the award gets a red flag.
modification-value-hint = Signed, up to two decimals: 15000.00 to increase, -2500.00 to reduce.
modification-submit = Record the modification
notice-evaluation-saved = The evaluation was recorded.
notice-award-made = The decision was recorded and every bidder was notified.
notice-complaint-filed = Your complaint was filed.
notice-complaint-decided = The complaint was decided and the complainant notified.
notice-contract-recorded = The contract was recorded.
notice-modification-recorded = The modification was recorded.
finding-update = Change status
notice-finding-recorded = The finding was recorded.
notice-finding-updated = The finding's status was recorded.
entry-documents = The bid's documents
entry-no-documents = The bid has no documents.
evaluation-view = See the bid
email-complaint-filed-subject = Complaint about the award of lot { $lot } of { $ocid }
email-complaint-filed-body = Hello { $name },

    A bidder filed a complaint about the award of lot { $lot } of "{ $title }" ({ $ocid }). The award cannot become final until it is decided, by an officer other than the one who made it.

    Grounds: { $grounds }

    To decide it: { $link }

## Audit checkpoints
checkpoints-title = Checkpoints of the record
checkpoints-lead = Every few minutes, and at every bid deadline, opening and award, Licita folds every chain of the audit log into one Merkle root and signs it. Keep a checkpoint: with it anyone can later check that the record was not cut or rewritten since.
checkpoints-key = Signing public key (Ed25519):
checkpoints-latest = Latest checkpoint
checkpoints-none = No checkpoint yet: the record has no events so far.
checkpoints-facts = No. { $id }, signed on { $time } (Lima time) when { $reason }; covers { $heads } chain heads.
checkpoints-root = Root:
checkpoints-download = Download this checkpoint (JSON)
checkpoints-history = Earlier checkpoints
checkpoints-col-id = No.
checkpoints-col-time = Signed
checkpoints-col-reason = Reason
checkpoints-col-heads = Heads
checkpoints-col-root = Root
checkpoints-how = How to check it
checkpoints-how-cli = With a copy of the server and a checkpoint you kept: licita audit verify --against checkpoint.json
checkpoints-how-api = With the API: /api/v1/audit/checkpoints/{"{"}id{"}"}/proof?chain=tender:ID proves a tender's chain is included, and /api/v1/audit/checkpoints/consistency?from=A&to=B that checkpoint B extends A without changing it.
checkpoint-reason-scheduled = its time came
checkpoint-reason-start = the record began
checkpoint-reason-freeze = bids closed
checkpoint-reason-opening = bids were opened
checkpoint-reason-award = a contract was awarded
checkpoint-reason-operator = an operator asked
footer-checkpoints = Checkpoints of the record
audit-checkpoint-ok = Matches checkpoint no. { $id } ({ $time }): no chain was cut or rewritten up to then.
audit-checkpoint-none = No signed checkpoint yet.
audit-checkpoint-broken = The record was altered after checkpoint no. { $id }:

## Bid confirmation
bid-price-hint = Write thousands with a comma and cents with a point: 450,000.50 or 450000.50.
bid-kept-legend = Documents of your current bid
bid-kept-lead = The new bid keeps them, without sending them again. Tick those you want to remove.
bid-kept-remove = Remove { $name } ({ $size })
bid-confirm-title = Check your bid for “{ $title }”
bid-confirm-lead = This is how we read your bid. It is already encrypted: nobody can read it before the opening. It only counts once you seal it here.
bid-confirm-prices = Prices
bid-confirm-price = Lot { $n }: { $lot }
bid-confirm-words = In words: { $words }
bid-confirm-documents = Documents
bid-confirm-no-documents = This bid carries no documents.
bid-reattach = Nothing was stored: attach your files again ({ $files }); a browser cannot keep them when the form comes back.
bid-confirm-document-kept = kept from your bid no. { $bid }
bid-confirm-document-new = new
bid-confirm-declarations = Sworn declarations
bid-confirm-replaces = It will replace your bid no. { $bid }.
bid-sealed-replaced = It replaced your bid no. { $bid }, which no longer counts.
bid-confirm-expires = Seal it before { $time } (Lima time); after that you will have to fill in the form again.
bid-confirm-submit = Seal and submit my bid
bid-confirm-correct = Correct it (new files must be attached again)
bid-sealed-title = Bid sealed: “{ $title }”
bid-sealed-lead = Your bid no. { $bid } was sealed and recorded on { $time } (Lima time). Keep your copy: it is the only thing that shows your prices until the opening.
bid-sealed-copy = Your copy of what you sealed
bid-sealed-download = Download my copy (JSON, with the signed receipt)
bid-sealed-print = You can also print this page.
bid-sealed-again = This bid was already sealed; your copy was offered when you sealed it and Licita does not keep it. Your receipt is in “My bids”.
bid-sealed-receipt = Signed receipt; fingerprint (SHA-256) of the sealed envelope:
bid-sealed-my-bids = Go to My bids
my-bids-documents = { $count ->
    [one] 1 document
   *[other] { $count } documents
}: { $list }
my-bids-outcome-open = Open: the tender still takes bids
my-bids-outcome-withdrawn = Withdrawn
my-bids-outcome-superseded = Replaced by a later bid
my-bids-outcome-awaiting-opening = Sealed: waiting for the opening
my-bids-outcome-not-admitted = Not admitted at the opening
my-bids-outcome-in-evaluation = Opened: being evaluated
my-bids-outcome-won = { $count ->
    [one] Won lot { $lots }
   *[other] Won lots { $lots }
}
my-bids-outcome-not-won = Not awarded
my-bids-outcome-unsuccessful = The tender was declared unsuccessful
my-bids-receipt-summary = Signed receipt: received { $time }, tender { $ocid }, envelope fingerprint { $fingerprint }…
my-bids-no-documents = No documents.
error-confirmation-expired = The review of this bid expired or no longer exists: fill in the form again.
error-document-not-in-bid = The bid being replaced has no document with fingerprint { $sha256 }.
error-nothing-to-remove = Documents can only be removed when replacing a bid.
field-remove-documents = Documents to remove

## Registration without enumeration
problem-too-many-requests-seconds = Too many attempts in a row. Try again in { $seconds ->
    [one] { $seconds } second
   *[other] { $seconds } seconds
}.
notice-supplier-check-email = Check your email: we sent a link to confirm the owner's address. Then sign in with your email and password; your company will be pending review.
email-registration-attempt-subject = Attempt to register { $legal_name } with your email
email-registration-attempt-body =
    Hello { $name },

    Someone tried to register the company { $legal_name } (RUC { $ruc }) on Licita with your email address, which already has an account.

    If it was you, sign in with your account: { $link }
    If it was not you, there is nothing to do; nothing was created.

    — Licita

## The timeline as sentences (frontend/src/pages/story.rs)
event-who = { $name } ({ $role })
event-who-system = The system
event-who-withheld = A person (revealed at the opening)
event-a-company = a company
event-technical = Technical detail
event-other = { $who } recorded an event.
event-tender-drafted = { $who } drafted the tender.
event-tender-updated = { $who } changed the draft tender.
event-tender-document-uploaded = { $who } attached the document “{ $file }”.
event-tender-published = { $who } published the tender.
event-tender-amended = { $who } published an amendment to the tender documents.
event-tender-enquiry-asked = { $who } asked a question.
event-tender-enquiry-answered = { $who } answered a question.
event-tender-enquiries-closed = { $who } closed the period for questions.
event-tender-tendering-closed = { $who } closed the period for bids.
event-tender-bids-frozen = { $who } froze { $count ->
    [0] the envelopes: no bids were received
    [one] the only envelope received
   *[other] the { $count } envelopes received
} and published their Merkle root.
event-tender-opening-share-given = { $who } gave their share of the opening key.
event-tender-opening-passphrase-refused = { $who } typed an opening passphrase that is not theirs.
event-tender-bids-opened = { $who } opened the bids with the shares of { $count ->
    [one] one committee member
   *[other] { $count } committee members
}.
event-tender-cancelled = { $who } cancelled the tender.
event-bid-submitted = { $who } submitted the sealed bid of { $bidder }.
event-bid-replaced = { $who } replaced the bid of { $bidder }.
event-bid-superseded = The earlier bid of { $bidder } was replaced.
event-bid-withdrawn = { $who } withdrew the bid of { $bidder }.
event-bid-confirmed = { $who } confirmed the bid of { $bidder }.
event-bid-evaluated = { $who } evaluated the bid of { $bidder } for lot { $lot }.
event-bid-disqualified = { $who } disqualified the bid of { $bidder } for lot { $lot }: { $ground }.
event-award-made = { $who } awarded lot { $lot } to { $bidder } for { $amount }.
event-award-flag-raised = The red flag “{ $flag }” was raised on the award of lot { $lot }.
event-award-final = The award of lot { $lot } became final.
event-award-cancelled = { $who } cancelled the award of lot { $lot }.
event-lot-declared-unsuccessful = { $who } declared lot { $lot } unsuccessful.
event-complaint-filed = { $who } filed an appeal on lot { $lot }.
event-complaint-upheld = { $who } upheld the appeal on lot { $lot }.
event-complaint-dismissed = { $who } dismissed the appeal on lot { $lot }.
event-contract-signed = { $who } recorded the signed contract for { $amount }.
event-contract-modified = { $who } recorded modification { $number } of the contract ({ $amount }).
event-finding-recorded = { $who } recorded a finding.
event-finding-updated = { $who } updated a finding.
footer-time-zone = Times are shown in { $city } time.
home-search-label = Search tenders
home-closing-soon = Closing soon
home-latest = Recently published
home-see-all = See all
home-path-search = Search tenders
home-path-search-help = No account needed: read the documents, questions, opening records and contracts.
home-path-register = Register my company
home-path-register-help = Register with your RUC to bid and receive alerts.
home-path-login = Log in
home-path-login-help = Companies, procurement officers and auditors.
home-path-dashboard = Go to my dashboard
home-path-dashboard-help = What is waiting for you now.
tender-glance-heading = To bid
tender-glance-documents = Documents
tender-glance-documents-count = { $count ->
    [0] No documents yet
    [one] 1 document to download
   *[other] { $count } documents to download
}
tender-glance-how = How to bid
tender-glance-how-supplier = Prepare and seal my bid
tender-glance-how-staff = Registered and verified companies bid from this page.
tender-glance-how-login = Log in with your company's account
panel-work-heading = What is waiting for you
panel-flags-heading = Recent red flags
panel-work-none = Nothing waiting for now.
panel-work-questions = { $count ->
    [one] 1 question to answer
   *[other] { $count } questions to answer
}
panel-work-opening = the opening is waiting for your key share
panel-work-evaluation = { $count ->
    [one] 1 lot to evaluate and award
   *[other] { $count } lots to evaluate and award
}
panel-work-complaints = { $count ->
    [one] 1 appeal to decide
   *[other] { $count } appeals to decide
}
panel-work-flags = { $count ->
    [one] 1 red flag
   *[other] { $count } red flags
}
panel-work-matching = matches your alerts
panel-matching-heading = Tenders matching your alerts
panel-matching-none = No open tender matches your alerts (until you choose alerts, your company's registered segments are used).
panel-matching-alerts = Choose my alerts
tender-lot-add = Add a lot
tender-lot-remove = Remove lot { $n }
field-classification-query = Find the classification by words
tender-classification-query-help = For example “construction”, “medical” or “telecommunications”; the form comes back with what was found and keeps what you typed.
tender-classification-find = Search the catalogue
tender-classification-none = No segment of the UNSPSC catalogue matches those words.
tender-classification-found = Choose the classification
bid-withdraw-help = If you no longer want to take part, you can withdraw your bid before the deadline; you may submit another while the tender is open.
breadcrumbs-label = You are here
opening-crumb = Opening
bid-crumb = My bid
timeline-crumb = Timeline
tender-note-kept = What you typed was kept as an incomplete draft under “My tenders”: finish it now or later. It becomes a draft once it passes every check (and publication checks everything again).
tender-notes-heading = Incomplete drafts
tender-notes-help = Forms kept as typed; they are not tenders yet and only your entity sees them.
tender-note-untitled = (untitled)
tender-note-saved-at = saved { $time }

## Open data
footer-open-data = Open data
open-data-title = Open data
open-data-lead = Every call for tenders, amendment, answer, opening, award and contract is published in the Open Contracting Data Standard (OCDS 1.1.5) the moment it happens, and never rewritten afterwards. Anyone can download and check it, without signing up.
open-data-downloads = Downloads
open-data-formats = One contracting process per line (its compiled release, with every fact to date), as gzip-compressed JSON. Made as you download it: always up to date.
open-data-full = Every process (full.jsonl.gz)
open-data-year = Processes started in { $year }
open-data-packages = Every release as published, event by event: one release package per month, as a ZIP file.
open-data-month = Releases of { $month } (ZIP)
open-data-api = Programming interface (API)
open-data-api-feed = Every release, in order, 100 at a time (follow links.next):
open-data-api-record = The record of one process, with every release, its compiled release and its history:
open-data-licence = Publisher: { $publisher }. Licence:
open-data-policy-link = Publication policy
open-data-policy-title = Open data publication policy
open-data-policy-what = Every process is published from its call for tenders: its documents (with their SHA-256 fingerprint), its lots and estimated values, the answered enquiries, the amendments with their rationale, a cancellation and its ground, the opening of the bids, the awards and their status, the contracts and each modification with its reason and its effect on the value.
open-data-policy-when = Each fact is published in the same operation that records it: one release per fact, dated with the fact's time, never changed afterwards. Corrections are new releases.
open-data-policy-withheld = Before the bids are opened nothing about them is published: no prices, no bidders, not even how many bids there are. From the opening every opened bid is published, with its bidder, its value and its status. Draft tenders are not published.
open-data-policy-ids = Each process is identified by its ocid (ocds-{ $prefix }-number); buyers and companies by their RUC (scheme PE-RUC). The data is published under the licence { $licence }.
open-data-policy-never = Users' personal data (email addresses, phone numbers, passwords) and the content of unopened bids are never published.

## Transparency dashboard
footer-transparency = Transparency
dash-title = Transparency dashboard
dash-lead = How public entities buy: how many calls for tenders they publish, how much they award, how much competition they get and how much they save. Every figure comes from the same data published in OCDS and can be recomputed from it.
dash-totals = Figures
dash-catalogue = Purchases from the electronic catalogue
dash-catalogue-lead = Orders under framework agreements are not tenders: they are counted here, apart, over the same entity and days (the day each order was placed).
dash-catalogue-orders = Orders placed
dash-catalogue-quotes = Of which quote requests
dash-catalogue-accepted = Orders accepted (contracts)
dash-catalogue-void = Orders nobody accepted
dash-catalogue-spent = Value of the accepted orders
dash-catalogue-list = Every catalogue order
dash-tenders = Tenders published
dash-value-awarded = Value awarded
dash-single-bid-rate = Lots with a single bid
dash-bidders-per-lot = Bidders per lot (average)
dash-savings = Savings on the estimated value
dash-direct-share = Direct contracting
dash-median-days = Days from publication to award (median)
dash-disqualification-rate = Bids disqualified
dash-complaints = Complaints
dash-complaints-value = { $filed } filed, { $upheld } upheld
dash-flags = Red flags
dash-flags-value = { $raised ->
    [one] 1 red flag detected
   *[other] { $raised } red flags detected
}, { $justified } justified in writing
dash-by-buyer = By buyer
dash-chart-single-bid = Share of lots with a single bid, by buyer
dash-col-buyer = Buyer
dash-table-buyers = Figures by buyer
dash-by-month = By month of publication
dash-chart-months = Tenders published per month (Lima time)
dash-col-month = Month
dash-table-months = Figures by month of publication
dash-data-csv = Download CSV
dash-data-json = See the data as JSON
dash-definitions = How it is computed: the filter selects tenders by their publication date and every figure is about them and what followed. Value awarded adds up the awards that stand; savings are (estimated value of the awarded lots − amount awarded) / estimated value; competition counts each lot's live bids, only after the opening (before it nothing of the bids is shown); the disqualification rate counts the bid-and-lot evaluations that found the bid inadmissible.
dash-buyer-ruc = RUC { $ruc }
dash-buyer-tenders = Its tenders
public-awards-title = Awards and contracts
public-awards-lead = Every lot decided, newest first, with its winner, amount, red flags and contract.
public-awards-contract = Contract
public-awards-modified = { $value } ({ $count ->
    [one] 1 modification
   *[other] { $count } modifications
})
public-awards-count = { $count ->
    [one] 1 award
   *[other] { $count } awards
}
public-awards-none = No awards yet.
supplier-won-title = What it won
supplier-won-from = Standing awards by buyer
supplier-won-lots = Lots
supplier-won-amount = Amount awarded
field-published-from = Published from
field-published-to = Published until
field-supplier = Supplier
error-date-before-start = “{ $field }” cannot be earlier than the start date.
open-data-flat = Everything in one spreadsheet (CSV): one row per lot, award and contract
error-auction-needs-bidders = An auction needs at least one admitted offer.
error-auction-step-out-of-range = The minimal step must be between 0.5 % and 3 % of the lot's estimated value.
error-method-without-auction = This procurement method decides on the sealed prices: it has no electronic auction (status “{ $status }”).
error-auction-not-running = Bids are taken only during a lot's auction, after the opening (status “{ $status }”).
error-auction-exists = This lot already has its auction.
error-too-few-admitted-for-auction = An auction needs at least { $min } admitted offers; this lot has { $count }. Decide it on the sealed prices.
error-auction-not-started = The auction starts at { $opens_at } (Lima time); no bid is taken before.
error-auction-closed = The auction closed at { $closes_at } (Lima time); the server's time when your bid arrived was { $server_time }. The bid was not accepted.
error-lance-step-too-small = A bid must lower your own last price by at least the minimal step: the highest price you may offer now is { $highest }.
error-lance-below-floor = No price may go below { $floor }.
error-auction-not-closed = The lot's auction has not closed yet: it is awarded at the final prices once it closes.
error-auction-required = The lot has at least two admitted offers: it is decided by its electronic auction, which has not been scheduled yet.
field-opens-at = Auction start
field-step-percent = Minimal step (% of the lot's estimated value)
field-minimal-step = Minimal step
field-lot = Lot
auction-title = Reverse auction of lot { $lot }: { $tender }
auction-back = Back to the tender
auction-time-left = { $minutes } min { $seconds } s left by the server's clock (as of loading this page).
auction-time-left-live = { $minutes } min { $seconds } s left by the server's clock.
auction-time-to-start-live = Starts in { $minutes } min { $seconds } s by the server's clock.
auction-live-on = This page updates itself with each bid.
auction-status-scheduled = Scheduled: bids are taken from { $opens } to { $closes } (Lima time).
auction-status-running = Running: it closes at { $closes } (Lima time); the server's time is { $server }.
auction-status-closed = Closed at { $closes } (Lima time).
auction-closing-soon = Less than five minutes to the close: a bid that becomes or ties the best price in the last { $extension } minutes extends it.
auction-rules = Rules: each bid lowers your own last price by at least { $step }; the auction lasts { $window } minutes; a bid that becomes or ties the best price in the last { $extension } minutes moves the close to { $extension } minutes after it, at most { $times } times; if no server was alive for more than { $gap } seconds, the close moves by the whole silence. The server's clock decides.
auction-mine-heading = Your offer
auction-mine-best = You are first with { $price } ({ $rank } of { $of }; you are bidder { $seat }).
auction-mine-tied = You are tied at { $price } ({ $rank } of { $of }; the earlier price goes first; you are bidder { $seat }).
auction-mine-losing = You are not first: your price is { $price } ({ $rank } of { $of }; you are bidder { $seat }).
auction-lance-hint = The highest price your next bid may have: { $highest }.
auction-lance-submit = Place the bid
auction-bidder = Bidder { $letters }
auction-moves-heading = Moves of the close
auction-move-extension = Extended from { $from } to { $to }: a bid became or tied the best price in the final minutes.
auction-move-outage = Moved from { $from } to { $to }: no server was alive for longer than the allowed gap.
auction-best = Best price: { $price } after { $lances ->
    [one] { $lances } bid
   *[other] { $lances } bids
}.
auction-ranking-heading = Ranking
auction-col-rank = Place
auction-col-bidder = Bidder
auction-col-price = Price
notice-lance-accepted = Your bid was accepted and signed; it is in the record.
notice-auction-scheduled = The auction is scheduled; the admitted bidders see its rules.
tender-auctions-heading = Electronic auction
tender-auction-link = Auction of lot { $lot }
tender-auction-schedule = Schedule the auction of lot { $lot }
tender-auction-schedule-submit = Schedule
flag-abnormally-low-price = Winning auction price abnormally low (40 % below the others' opening prices or 30 % below the next)
field-flag-abnormally-low-price = Justification: abnormally low price
auction-lot = Lot { $lot }: { $title } (estimated value { $estimate }).
auction-time-to-start = It starts in { $minutes } min { $seconds } s by the server's clock (as of loading this page).
error-auction-too-far = An auction may start at most { $days } days ahead.
error-auction-scheduled = The lot's auction is scheduled: the offers admitted then are its bidders, and admission no longer changes.
auction-status-cancelled = Cancelled with its tender: no bid is taken.
event-auction-scheduled = { $who } scheduled the electronic auction of a lot.
event-auction-lance = { $who } placed bid number { $number } in the auction.
event-auction-close-moved = The auction's close moved (an extension or an outage).
event-auction-closed = The auction closed and its transcript was signed.
event-auction-cancelled = The auction ended with its tender's cancellation, with no award and no final transcript.
auction-confirm-title = Confirm the bid
auction-confirm-text = You are about to lower your price from { $own } to { $new }: more than a fifth at once. A bid is signed and cannot be taken back. Is the amount right?
auction-confirm-submit = Yes, place the bid
auction-confirm-back = No, back to the auction
email-auction-scheduled-subject = Reverse auction scheduled: lot { $lot } of “{ $title }”
email-auction-scheduled-body =
    Hello { $name },

    Your company's offer was admitted to the electronic reverse auction of lot { $lot } of “{ $title }”. Bids are taken from { $opens } to { $closes } (Lima time; a best bid in the final minutes extends it). The rules and the form are at:
    { $link }
email-auction-closing-subject = Five minutes to the close: lot { $lot } of “{ $title }”
email-auction-closing-body =
    Hello { $name },

    The reverse auction of lot { $lot } of “{ $title }” closes in about five minutes, at { $closes } (Lima time), unless a best bid extends it. Follow it and bid at:
    { $link }
error-lot-without-auction = This lot has no electronic auction: it is decided on the sealed offers' prices.
error-auction-needs-lowest-price = Lot { $lot } cannot have an electronic auction: an auction compares prices only, and this tender is awarded on price and quality. Choose the lowest-price criteria or remove the lot's auction.
error-auction-lots-need-lowest-price = This tender has lots with an electronic auction, which compares prices only: keep the lowest-price criteria or remove those lots' auctions.
error-auction-not-allowed-for-method = Lot { $lot } cannot have an electronic auction under this procurement method: change the method or remove the lot's auction.
field-lot-auction = Electronic auction of the prices
tender-lot-auction-help = Electronic auction: tick a lot's box to have its admitted offers bid their prices down in an auction before the award (lowest-price tenders only; these methods allow it: { $methods }). Every lot of a reverse auction (subasta inversa electrónica) has one.
tender-lot-has-auction = With an electronic price auction
error-auction-notice-too-short = The auction must start at least { $minutes } minutes after it is scheduled: the bidders hear of it by mail and need that time.
auction-time-to-start-hours = It starts in { $hours } h { $minutes } min { $seconds } s by the server's clock (as of loading this page).
auction-time-to-start-hours-live = Starts in { $hours } h { $minutes } min { $seconds } s by the server's clock.
auction-frame-title = The auction live
auction-frame-result = See the auction's result
tender-auction-opens-hint = Lima time, e.g. 2026-12-10 10:00; with time for the bidders, told by mail when it is scheduled, to be there.
award-auction-prices = This lot was decided in its electronic auction: the prices are each bidder's final price (its sealed offer was the starting price).
error-lance-no-room = Your price is already less than one minimal step above zero: you cannot lower it further.
bid-price-auction-hint = This lot has an electronic auction: if your offer is admitted, this price is your starting price, which you may then lower in the auction.

# The electronic catalogue of the framework agreements.
nav-catalogue = Catalogue
catalogue-title = Electronic catalogue
catalogue-lead = Common goods of the framework agreements in force, with each selected supplier's price, stock and delivery days. The cheapest offer comes first.
catalogue-q-hint = Product, brand, model or feature, e.g. “core i5 lenovo”.
catalogue-all-categories = All categories
catalogue-all-departments = All departments
catalogue-search = Search the catalogue
catalogue-count = { $total ->
    [one] 1 offer
   *[other] { $total } offers
}
catalogue-none = No offer in force matches the search.
catalogue-product = Product
catalogue-brand-model = Brand and model
catalogue-supplier = Supplier
catalogue-delivery = Delivery
catalogue-days-to = { $department }: { $days ->
    [one] 1 day
   *[other] { $days } days
}
catalogue-status = Status
catalogue-my-offers = My catalogue offers
catalogue-my-offers-lead = Update your stock at any time and lower your prices at any time. A price increase needs its reason and has a limit: each offer shows the agreement's rules.
catalogue-my-offers-none = Your company has no offers under any framework agreement.
catalogue-back = ← Back to the catalogue
catalogue-category = Category
catalogue-unit = Unit
catalogue-unspsc = UNSPSC code
catalogue-agreement = Framework agreement
catalogue-ocid = OCDS identifier
catalogue-in-force = In force (Lima time)
catalogue-attributes = Product sheet: what every offer must meet
catalogue-spread = { $offers ->
    [one] Unit price of the only available offer: { $lowest }.
   *[other] Unit price of the { $offers } available offers: lowest { $lowest }, median { $median }, highest { $highest }.
}
catalogue-no-orderable = No offer of this product can be ordered now.
catalogue-offers = Offers
catalogue-min-order = Minimum order
catalogue-history = Price and stock history
catalogue-when = Date (Lima time)
catalogue-version = Version
catalogue-increase-from = You may raise the price from { $date } (Lima time); lower it, now.
catalogue-increase-up-to = You may now raise the price up to { $highest }, with its reason; lower it, at any time.
catalogue-offer-now = Now: { $price } per unit, { $stock } in stock, version { $version } ({ $status }).
catalogue-price-hint = In soles, e.g. 2,849.00 or 2849.00.
catalogue-save = Save the offer
notice-offer-saved = The offer was saved as a new version.
offer-status-active = available
offer-status-out-of-stock = out of stock
offer-status-supplier-sanctioned = supplier sanctioned
offer-status-agreement-not-in-force = agreement not in force
field-unit-price = Unit price
field-stock = Stock (units)
field-version = Version
field-min-price = Lowest price
field-max-price = Highest price
field-offer = Offer
field-ends-at = End of the term
field-parties = Suppliers of the agreement
field-product = Product
error-agreement-not-in-force = This offer's framework agreement is not in force: the offer cannot be changed.
error-offer-changed = The offer changed while you were editing it: it is now version { $version }. Check the current price and stock and save again.
error-reason-required-for-increase = A price increase needs its reason: write it in “{ $field }”.
error-price-increase-too-soon = You raised this price less than { $days } days ago: you may raise it again from { $date }. You may lower it now.
error-price-increase-too-large = An increase may not exceed { $max } % of the current price: the highest you may set now is { $highest }.
error-max-below-min = “{ $field }” is below the lowest price.
error-not-central-purchasing = Only a central purchasing body may run framework agreements.
error-agreement-term = A framework agreement's term ends after its start and lasts at most { $months } months.
error-participants-out-of-range = A framework agreement has between { $min } and { $max } suppliers.
error-party-not-verified = Every supplier of the agreement must be verified in the registry.
error-unknown-product = The product “{ $code }” is not in the agreement's catalogue.
field-quantity = Quantity
field-offer-id = Chosen offer
field-quote-days = Business days to quote
field-order = Order
error-no-offer-delivers = No available offer delivers that quantity to that department (with the stock, and the minimum order reached).
error-offer-not-eligible = The chosen offer cannot take this order: choose one from the list.
error-quotes-choose-no-offer = An order of this value is quoted among all suppliers: no offer is chosen.
error-reason-required-for-choice = You chose an offer dearer than the lowest: write the reason in “{ $field }”; it is published with the order.
error-quote-above-catalogue = Your quote may not exceed your catalogue price, { $highest }.
error-quotes-closed = Quoting for this order has closed.
error-not-your-turn = This order is not waiting for your company's answer.
error-acceptance-lapsed = The time to accept this order has passed: it went to the next supplier.
error-stock-short = Your stock ({ $stock }) does not cover this order: update it or decline the order.
error-invalid-answer = “{ $field }” must be accept or decline.
error-order-not-accepted = No supplier has accepted the order yet.
error-already-delivered = This order's delivery is recorded already.
error-not-delivered = Record the order's delivery first.
error-already-conformed = This order's conformity is recorded already.
order-choose-department = Choose the department
order-compare = Compare offers
order-start = Order this product
order-start-lead = Say where and how many units: you will see the offers that can take the order, with the total and the delivery days.
order-title = Catalogue order
order-heading = Order of { $product }
order-lead-direct = Below { $threshold } the order goes straight to the lowest price that delivers there. You may choose another offer by writing the reason, which is published. The supplier has two business days to accept; otherwise the order passes to the next.
order-lead-quotes = From { $threshold } the order is quoted: the { $suppliers } suppliers that deliver there are invited, each quotes at most its catalogue price and the lowest quote wins.
order-choice = Choice
order-choose = Choose this offer
order-may-take = Can take the order
order-total = Order total
order-days = { $days ->
    [one] 1 day
   *[other] { $days } days
}
order-refusal-not-orderable = Cannot be ordered now
order-refusal-no-delivery = Does not deliver to that department
order-refusal-stock-short = Not enough stock
order-refusal-below-min-order = Below its minimum order
order-reason-hint = Only if you did not choose the lowest offer: why (published with the order).
order-quote-days-hint = From 2 to 10 business days.
order-submit-direct = Issue the purchase order
order-submit-quotes = Request quotes
order-officers-only = Only officers of a public entity place orders; anyone may compare.
orders-title = Catalogue orders
orders-lead = Every purchase made in the electronic catalogue: who bought what, from whom and at what price.
orders-order = Order
orders-buyer = Entity
orders-none = No orders yet.
orders-back = ← All orders
order-product-link = Product sheet
order-agreement-link = Framework agreement
order-open-data = The order's open data (OCDS)
order-late = late delivery
order-late-note = This order's delivery is late against its date.
order-page-heading = Order of { $quantity } × { $product }
order-kind = Kind
order-kind-direct = Direct order
order-kind-quotes = With quotes
order-quotes-close = Quotes close (Lima time)
order-accept-by = Accept by (Lima time)
order-delivery-due = Delivery due (Lima time)
order-delivered = Delivered (Lima time)
order-conformity = Conformity (Lima time)
order-choice-reason = Reason for not choosing the lowest price:
order-rank = Turn
order-outcome = Answer
order-outcome-accepted = accepted
order-outcome-declined = declined
order-outcome-lapsed = did not answer in time
order-outcome-barred = left out: its offer can no longer be ordered (suspended or sanctioned)
order-outcome-turn = must answer
order-quote-sealed = quoted (sealed until the close)
order-candidates = Suppliers of the order
order-your-turn = This order awaits your company's answer. Accepting it takes your stock and makes the order a contract; declining passes it to the next supplier for good.
order-accept = Accept the order
order-decline = Decline the order
order-quote-lead = Your company is invited to quote: at most your catalogue price. You may change your quote until the close; nobody sees it before.
order-quote-submit = Send the quote
order-record-delivery = Record the delivery
order-record-conformity = Record the conformity
order-status-quoting = quoting
order-status-awaiting-acceptance = awaiting the supplier's acceptance
order-status-accepted = accepted (contract)
order-status-void = no supplier (void)
notice-order-placed = The order was recorded.
notice-quote-saved = Your quote was recorded.
notice-order-answered = Your answer was recorded.
notice-order-recorded = It was recorded.
catalogue-rules = Price rules
catalogue-change = Change
order-flags = Red flags
order-flag-split-order = Possible split purchase: direct orders of the same entity for the same product, close in time, which together reach the value that requires quotes.
order-flag-above-median = Unit price above the catalogue median by more than allowed.
order-flag-not-lowest = The lowest price was not chosen (the reason is published).
order-flag-supplier-share = This supplier holds an excessive share of the entity's orders.
error-choice-needs-quotes = At the chosen offer's price the order reaches { $threshold }: an order of that value is quoted. Choose the lowest offer or order fewer units.
error-not-a-quote-request = This order is direct: it takes no quotes.
error-order-not-awaiting = This order no longer awaits an answer ({ $status }).
error-offer-not-orderable = Your offer cannot be ordered now: the agreement is not in force, your company is sanctioned or suspended from the agreement, or it has no stock.
order-status-delivered = delivered
order-status-conformed = delivered and conformed
order-quotes-received = { $count ->
    [0] No quotes yet.
    [one] 1 quote received (who quoted, and at what price, is known at the close).
   *[other] { $count } quotes received (who quoted, and at what price, is known at the close).
}
order-your-quote = Your quote: { $price } per unit (total { $total }). You may change it until the close.
order-awaiting-supplier = { $supplier } (must accept)
order-no-offer = No offer can take this order: order fewer units or choose another department.
order-created = Order date (Lima time)
order-median-at-order = Catalogue median when ordered (unit price)
catalogue-no-minimum = no minimum
order-pending-title = Orders awaiting your company
order-pending-none = No order awaits your answer or your quote.
order-pending-answer = Accept or decline by { $deadline }
order-pending-quote = Quote by { $deadline }

## Framework agreements: the list, one agreement, the suspension of its suppliers
offer-status-suspended-from-agreement = supplier suspended from the agreement
catalogue-agreements-link = The framework agreements and their suppliers
agreements-title = Framework agreements
agreements-lead = Each framework agreement selects, for a term, the suppliers whose offers make up the electronic catalogue. Its central purchasing body may suspend a supplier from the agreement, with a public date and reason: while it lasts, its offers cannot be ordered.
agreements-back = ← All framework agreements
agreement-col-title = Framework agreement
agreement-central-body = Central purchasing body
agreement-term = Term
agreement-in-force = in force
agreement-not-in-force = not in force
agreement-participants = Suppliers the agreement admits
agreement-participants-range = between { $min } and { $max }
agreement-products = Product sheets
agreement-orders = Orders placed
agreement-parties = Suppliers of the agreement
agreement-admitted = Admitted
agreement-offers = Offers
agreement-standing = Standing
agreement-party-in-good-standing = In good standing: its offers may be ordered.
agreement-party-suspended = Suspended until { $until } inclusive: { $reason }
agreement-lift-submit = Lift the suspension
agreement-past-suspensions = Earlier suspensions
agreement-past-suspension = { $supplier }: suspended from { $from } until { $until } inclusive. Reason: { $reason }
agreement-lifted = Lifted early: { $reason }
agreement-choose-party = — Choose a supplier —
agreement-suspend-heading = Suspend a supplier from the agreement
agreement-suspend-lead = The suspension runs from now until the end of the day you give (at the latest, the agreement's end). Its reason is published with it and in the agreement's open data.
agreement-suspend-submit = Suspend
agreement-open-data = The agreement's open data (OCDS)
notice-party-suspended = The supplier is suspended from the agreement; its offers can no longer be ordered.
notice-party-reinstated = The suspension was lifted; the supplier's offers may be ordered again.
field-suspended-until = Suspended until (inclusive)
field-lift-reason = Reason for lifting it
error-not-a-party = Choose in “{ $field }” one of the agreement's suppliers.
error-after-agreement-end = “{ $field }” cannot be after the agreement's end, { $end }.
error-party-already-suspended = That supplier is already suspended from the agreement: lift its suspension before recording another.
error-suspension-not-in-force = That suspension no longer runs: it ended or was lifted.

## Mail to the catalogue's suppliers
email-catalogue-quote-request-subject = Quote request: { $quantity } × { $product }
email-catalogue-quote-request-body = Hello { $name },

    { $buyer } asks for quotes for { $quantity } × { $product }, delivered in { $department }. Your company is invited because its catalogue offer delivers there.

    You may quote until { $deadline } (Lima time), at most your catalogue price; quotes stay sealed until the close and the lowest wins.

    { $link }
email-catalogue-your-turn-subject = A purchase order awaits your acceptance: { $quantity } × { $product }
email-catalogue-your-turn-body = Hello { $name },

    It is your turn to accept or decline { $buyer }'s order of { $quantity } × { $product }, delivered in { $department }.

    You have until { $deadline } (Lima time); without an answer the order passes to the next supplier.

    { $link }
email-catalogue-suspended-subject = Your company was suspended from the framework agreement
email-catalogue-suspended-body = Hello { $name },

    The central purchasing body suspended your company from { $agreement } until { $until } inclusive. Reason: { $reason }

    While it lasts, your catalogue offers cannot be ordered and the orders that awaited your acceptance pass to the next supplier. The suspension and its reason are public.

    { $link }
email-catalogue-reinstated-subject = Your company's suspension from the framework agreement was lifted
email-catalogue-reinstated-body = Hello { $name },

    The central purchasing body lifted your company's suspension from { $agreement }. Reason: { $reason }

    Your catalogue offers may be ordered again.

    { $link }
