#include "LoginDialog.h"

#include "ChangePasswordDialog.h"
#include "Logging.h"
#include "TrustCertificateDialog.h"
#include "controlplane/ApiClient.h"
#include "session/SecretStore.h"
#include "ui_LoginDialog.h"

#include <QFileDialog>
#include <QMessageBox>
#include <QPushButton>

namespace zenml::ui {

using controlplane::ApiError;
using session::Session;

namespace {

// What to do next, after what happened.
QString adviceFor(const ApiError& error)
{
    switch (error.kind) {
    case ApiError::Kind::Unauthorized:
        return LoginDialog::tr("Check the username and the password or token, then try again.");
    case ApiError::Kind::Network:
        return LoginDialog::tr("Check the server address and that the server is running.");
    case ApiError::Kind::Tls:
        return LoginDialog::tr("The server's certificate is not trusted.");
    case ApiError::Kind::Forbidden:
        return LoginDialog::tr("This account may not sign in here.");
    case ApiError::Kind::Malformed:
        return LoginDialog::tr("Is this the address of a ZenML Pro control plane?");
    default:
        return {};
    }
}

} // namespace

LoginDialog::LoginDialog(Session* session, session::ProfileStore* profiles,
    session::SecretStore* secrets, QWidget* parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::LoginDialog>())
    , m_session(session)
    , m_profiles(profiles)
    , m_secrets(secrets)
{
    m_ui->setupUi(this);
    m_ui->busyBar->setVisible(false);
    m_ui->messageLabel->setVisible(false);
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setText(tr("&Sign in"));

    connect(m_ui->methodCombo, &QComboBox::currentIndexChanged, this, [this] {
        updateForMethod();
        updateOkButton();
    });
    connect(m_ui->serverEdit, &QLineEdit::textChanged, this, &LoginDialog::updateOkButton);
    connect(m_ui->usernameEdit, &QLineEdit::textChanged, this, &LoginDialog::updateOkButton);
    connect(m_ui->secretEdit, &QLineEdit::textChanged, this, &LoginDialog::updateOkButton);
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &LoginDialog::accept);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &LoginDialog::reject);
    connect(m_session, &Session::signedIn, this, &LoginDialog::onSignedIn);
    connect(m_session, &Session::signInFailed, this, &LoginDialog::onSignInFailed);
    connect(m_session, &Session::passwordChangeRequired, this, &LoginDialog::askForNewPassword);
    connect(m_ui->caBrowseButton, &QPushButton::clicked, this, [this] {
        auto* chooser = new QFileDialog(this, tr("Choose the CA bundle"), QString(),
            tr("PEM certificates (*.pem *.crt *.cer);;All files (*)"));
        chooser->setAttribute(Qt::WA_DeleteOnClose);
        chooser->setFileMode(QFileDialog::ExistingFile);
        connect(chooser, &QFileDialog::fileSelected, m_ui->caEdit, &QLineEdit::setText);
        chooser->open();
    });

    const bool withProfiles = m_profiles != nullptr;
    m_ui->profileLabel->setVisible(withProfiles);
    m_ui->profileCombo->setVisible(withProfiles);
    m_ui->removeProfileButton->setVisible(withProfiles);
    m_ui->rememberCheck->setVisible(withProfiles && m_secrets);
    if (withProfiles) {
        connect(m_ui->profileCombo, &QComboBox::activated, this,
            [this](int index) { selectProfile(m_ui->profileCombo->itemText(index)); });
        connect(
            m_ui->removeProfileButton, &QPushButton::clicked, this, &LoginDialog::removeProfile);
        reloadProfiles(m_profiles->lastUsed());
    }

    updateForMethod();
    updateOkButton();
    // A first sign-in starts at the server; a remembered profile at its secret.
    if (server().isEmpty())
        m_ui->serverEdit->setFocus();
}

void LoginDialog::reloadProfiles(const QString& select)
{
    m_ui->profileCombo->clear();
    for (const session::ServerProfile& profile : m_profiles->profiles())
        m_ui->profileCombo->addItem(profile.name);
    m_ui->removeProfileButton->setEnabled(m_ui->profileCombo->count() > 0);
    if (!select.isEmpty() && m_ui->profileCombo->findText(select) >= 0)
        selectProfile(select);
    else
        m_ui->profileCombo->setEditText(QString());
}

void LoginDialog::selectProfile(const QString& name)
{
    const auto profile = m_profiles ? m_profiles->profile(name) : std::nullopt;
    if (!profile)
        return;
    m_picked = *profile;
    m_ui->profileCombo->setCurrentIndex(m_ui->profileCombo->findText(name));
    m_ui->profileCombo->setEditText(name);
    m_ui->serverEdit->setText(profile->apiRoot.toString());
    setMethod(profile->method);
    m_ui->usernameEdit->setText(profile->username);
    m_ui->caEdit->setText(profile->caBundlePath);
    m_ui->secretEdit->clear();
    m_ui->rememberCheck->setChecked(profile->rememberSecret);
    showMessage({});
    m_ui->secretEdit->setFocus();
    if (!profile->rememberSecret || !m_secrets)
        return;

    // Filled in when the keychain answers; a secret typed meanwhile is never overwritten.
    const QString key = session::SecretStore::keyFor(profile->name, profile->username);
    m_secrets->read(key, this, [this, name](const session::SecretStore::Result& result) {
        if (profileName() != name || !m_ui->secretEdit->text().isEmpty())
            return;
        switch (result.status) {
        case session::SecretStore::Result::Status::Done:
            m_ui->secretEdit->setText(result.secret);
            m_ui->buttonBox->button(QDialogButtonBox::Ok)->setFocus();
            break;
        case session::SecretStore::Result::Status::NotFound:
            showMessage(tr("No secret is stored for this profile yet: type it once."));
            break;
        default:
            showMessage(tr("The stored secret could not be read: %1 Type it to sign in.")
                            .arg(result.message));
            break;
        }
    });
}

void LoginDialog::removeProfile()
{
    const QString name = profileName();
    const auto profile = m_profiles->profile(name);
    if (!profile)
        return;
    m_profiles->remove(name);
    // The secret goes with its profile; a keychain that cannot be reached keeps nothing of ours.
    if (m_secrets)
        m_secrets->remove(session::SecretStore::keyFor(name, profile->username), this,
            [this, name](const session::SecretStore::Result& result) {
                if (!result.ok())
                    showMessage(tr("The profile %1 was removed, but its stored secret could not "
                                   "be removed from the keychain: %2")
                                    .arg(name, result.message));
            });
    m_picked = {};
    reloadProfiles({});
    m_ui->serverEdit->clear();
    m_ui->usernameEdit->clear();
    m_ui->secretEdit->clear();
    showMessage(tr("The profile %1 was removed.").arg(name));
}

bool LoginDialog::rememberSecret() const
{
    return m_ui->rememberCheck->isVisible() && m_ui->rememberCheck->isChecked();
}

QString LoginDialog::profileName() const
{
    return m_ui->profileCombo->currentText().trimmed();
}

session::ServerProfile LoginDialog::profileFromFields() const
{
    // Certificate decisions belong to the picked profile; a different server starts afresh.
    session::ServerProfile profile;
    const QUrl apiRoot = controlplane::apiRootFromUserInput(server());
    if (m_picked.apiRoot == apiRoot)
        profile = m_picked;
    profile.apiRoot = apiRoot;
    profile.name = profileName().isEmpty() ? apiRoot.host() : profileName();
    profile.method = method();
    profile.username = method() == Session::Method::Password ? username() : QString();
    profile.rememberSecret = rememberSecret();
    profile.caBundlePath = m_ui->caEdit->text().trimmed();
    return profile;
}

LoginDialog::~LoginDialog() = default;

void LoginDialog::setServer(const QString& server)
{
    m_ui->serverEdit->setText(server);
}

void LoginDialog::setUsername(const QString& username)
{
    m_ui->usernameEdit->setText(username);
    if (!username.isEmpty())
        m_ui->secretEdit->setFocus();
}

void LoginDialog::setMethod(Session::Method method)
{
    m_ui->methodCombo->setCurrentIndex(method == Session::Method::Token ? 1 : 0);
}

QString LoginDialog::server() const
{
    return m_ui->serverEdit->text().trimmed();
}

QString LoginDialog::username() const
{
    return m_ui->usernameEdit->text().trimmed();
}

Session::Method LoginDialog::method() const
{
    return m_ui->methodCombo->currentIndex() == 1 ? Session::Method::Token
                                                  : Session::Method::Password;
}

QString LoginDialog::message() const
{
    return m_ui->messageLabel->isVisible() ? m_ui->messageLabel->text() : QString();
}

void LoginDialog::accept()
{
    if (m_busy)
        return;

    QString reason;
    const QUrl apiRoot = controlplane::apiRootFromUserInput(server(), &reason);
    if (!apiRoot.isValid()) {
        showMessage(tr("The server address is not usable: %1").arg(reason));
        m_ui->serverEdit->setFocus();
        return;
    }

    // Plain http to another machine only with the administrator's consent, per server.
    m_picked = profileFromFields();
    if (apiRoot.scheme() == QLatin1String("http") && !Session::isLoopback(apiRoot)
        && !m_picked.allowPlainHttp) {
        auto* box = new QMessageBox(QMessageBox::Warning, tr("Unencrypted connection"),
            tr("%1 is reached over plain http://: the password and everything else would cross "
               "the network unencrypted, readable by anyone on the way. Use https:// if the "
               "server offers it.")
                .arg(apiRoot.host()),
            QMessageBox::Cancel, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        QPushButton* allow = box->addButton(tr("Send &unencrypted"), QMessageBox::AcceptRole);
        box->setDefaultButton(QMessageBox::Cancel);
        connect(box, &QMessageBox::buttonClicked, this, [this, allow](QAbstractButton* button) {
            if (button != allow) {
                showMessage(tr("Nothing was sent. Use an https:// address."));
                return;
            }
            m_picked.allowPlainHttp = true;
            signIn();
        });
        box->open();
        return;
    }
    signIn();
}

// The trust of the picked profile: its CA bundle and the certificate accepted for it.
bool LoginDialog::applyTrust()
{
    QString problem;
    const auto cas = controlplane::TlsTrust::loadCaBundle(
        m_picked.caBundlePath, m_picked.caBundlePem, &problem);
    if (!cas) {
        showMessage(problem);
        m_ui->caEdit->setFocus();
        return false;
    }
    controlplane::TlsTrust trust;
    trust.extraCaCertificates = *cas;
    trust.pinnedSha256 = m_picked.trustedCertificateSha256;
    m_session->setTlsTrust(trust);
    m_session->setPlainHttpConfirmed(m_picked.allowPlainHttp);
    return true;
}

void LoginDialog::signIn()
{
    if (!applyTrust())
        return;
    const QUrl apiRoot = m_picked.apiRoot;
    showMessage({});
    setBusy(true);
    qCInfo(lcUi) << "signing in to" << apiRoot.toDisplayString();
    m_session->signIn(apiRoot, method(),
        method() == Session::Method::Password ? username() : QString(), m_ui->secretEdit->text());
}

void LoginDialog::askToTrust(const controlplane::CertificateInfo& certificate)
{
    const QString profile = m_picked.name.isEmpty() ? certificate.host : m_picked.name;
    auto* dialog = new TrustCertificateDialog(certificate, profile, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, sha256 = certificate.sha256] {
        // Exactly this certificate, for this profile; a different one will ask again.
        m_picked.trustedCertificateSha256 = sha256;
        signIn();
    });
    connect(dialog, &QDialog::rejected, this, [this] {
        showMessage(tr("The certificate was not trusted, and nothing was sent to the server. "
                       "To use an internal CA instead, choose its CA bundle."));
    });
    dialog->open();
}

void LoginDialog::reject()
{
    // Closing while a sign-in is under way abandons it: nothing the session does later
    // may act on a dialog that is gone.
    if (m_busy)
        m_session->signOut();
    QDialog::reject();
}

void LoginDialog::updateForMethod()
{
    const bool token = method() == Session::Method::Token;
    m_ui->usernameLabel->setVisible(!token);
    m_ui->usernameEdit->setVisible(!token);
    m_ui->secretLabel->setText(token ? tr("&Token or API key:") : tr("&Password:"));
}

void LoginDialog::updateOkButton()
{
    const bool token = method() == Session::Method::Token;
    const bool complete = !server().isEmpty() && !m_ui->secretEdit->text().isEmpty()
        && (token || !username().isEmpty());
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setEnabled(complete && !m_busy);
}

void LoginDialog::setBusy(bool busy)
{
    m_busy = busy;
    m_ui->busyBar->setVisible(busy);
    m_ui->serverEdit->setReadOnly(busy);
    m_ui->usernameEdit->setReadOnly(busy);
    m_ui->secretEdit->setReadOnly(busy);
    m_ui->methodCombo->setEnabled(!busy);
    m_ui->profileCombo->setEnabled(!busy);
    m_ui->removeProfileButton->setEnabled(!busy && m_ui->profileCombo->count() > 0);
    if (busy)
        setCursor(Qt::BusyCursor);
    else
        unsetCursor();
    updateOkButton();
}

void LoginDialog::showMessage(const QString& text)
{
    m_ui->messageLabel->setText(text);
    m_ui->messageLabel->setVisible(!text.isEmpty());
}

void LoginDialog::onSignedIn()
{
    if (!m_busy)
        return;
    setBusy(false);
    if (m_profiles)
        Q_EMIT signedInWith(profileFromFields(), m_ui->secretEdit->text());
    QDialog::accept();
}

// The sign-in waits, busy, until the new password is set; the remembered secret is the new one.
void LoginDialog::askForNewPassword(const QString& username)
{
    if (!m_busy)
        return;
    auto* dialog = new ChangePasswordDialog(m_session, username, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
        [this, dialog] { m_ui->secretEdit->setText(dialog->newPassword()); });
    connect(dialog, &QDialog::rejected, this, [this] {
        m_session->signOut();
        setBusy(false);
        showMessage(tr("Signing in needs a new password; nothing was changed."));
    });
    dialog->open();
}

void LoginDialog::onSignInFailed(const ApiError& error)
{
    if (!m_busy)
        return;
    setBusy(false);
    if (error.kind == ApiError::Kind::Tls && m_session->client()->refusedCertificate()) {
        askToTrust(*m_session->client()->refusedCertificate());
        return;
    }
    const QString advice = adviceFor(error);
    showMessage(advice.isEmpty() ? tr("Sign-in failed: %1").arg(error.message)
                                 : tr("Sign-in failed: %1\n%2").arg(error.message, advice));
    m_ui->secretEdit->setFocus();
    m_ui->secretEdit->selectAll();
}

} // namespace zenml::ui
