#include "OnboardingWizard.h"

#include "PasswordRevealDialog.h"
#include "TrustCertificateDialog.h"
#include "controlplane/ApiClient.h"
#include "session/SecretStore.h"
#include "session/ServerProfile.h"
#include "session/Session.h"
#include "users/AccountRules.h"
#include "users/PasswordGenerator.h"

#include <QCheckBox>
#include <QClipboard>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QVBoxLayout>
#include <QWizardPage>

namespace zenml::ui {

namespace {

using controlplane::ApiError;
using session::Session;

QLabel* makeStatusLabel(QWidget* parent, const QString& objectName)
{
    auto* label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

QLabel* makeIntro(QWidget* parent, const QString& text)
{
    auto* label = new QLabel(text, parent);
    label->setWordWrap(true);
    return label;
}

QString describeError(const ApiError& error)
{
    switch (error.kind) {
    case ApiError::Kind::Network:
        return QObject::tr("The server could not be reached: %1\nCheck the address, that the "
                           "control plane is running and that no firewall is in the way, then "
                           "try again.")
            .arg(error.message);
    case ApiError::Kind::Tls:
        return QObject::tr("The secure connection failed: %1\nChoose the CA bundle of your "
                           "internal CA on the Server page, or trust the certificate there.")
            .arg(error.message);
    case ApiError::Kind::RateLimited:
        return QObject::tr("The server asks to slow down: %1\nWait a moment and try again.")
            .arg(error.message);
    case ApiError::Kind::Server:
        return QObject::tr("The server failed: %1\nTry again; if it keeps failing, look at the "
                           "control plane's logs.")
            .arg(error.message);
    default:
        return error.message;
    }
}

} // namespace

// ---------------------------------------------------------------------------------------------

class WelcomeWizardPage final : public QWizardPage
{
public:
    explicit WelcomeWizardPage(QWidget* parent)
        : QWizardPage(parent)
    {
        setTitle(tr("Welcome"));
        auto* layout = new QVBoxLayout(this);
        layout->addWidget(makeIntro(this,
            tr("<p>This wizard connects to your self-hosted ZenML Pro control plane and "
               "creates a super-user account of your own, so that the reserved admin account "
               "can be put away.</p>"
               "<ol><li>Check the connection to the server.</li>"
               "<li>Sign in once with the reserved admin account.</li>"
               "<li>Create your own super-user account (or use one that exists).</li>"
               "<li>Sign in with it and choose your own password.</li>"
               "<li>Save the connection for next time.</li></ol>"
               "<p><b>Password authentication must be enabled in the deployment</b>: without "
               "it the admin account does not exist.</p>")));
        layout->addStretch();
    }
};

// ---------------------------------------------------------------------------------------------

class ServerWizardPage final : public QWizardPage
{
public:
    // Going Back keeps what was typed (QWizard would reset the fields).
    void cleanupPage() override { }

    explicit ServerWizardPage(OnboardingWizard* wizard)
        : QWizardPage(wizard)
        , m_wizard(wizard)
    {
        setTitle(tr("Server"));
        setSubTitle(tr("The address of the control plane, as in your browser."));
        auto* layout = new QVBoxLayout(this);
        auto* form = new QFormLayout;
        m_urlEdit = new QLineEdit(this);
        m_urlEdit->setObjectName(QStringLiteral("urlEdit"));
        m_urlEdit->setPlaceholderText(QStringLiteral("https://zenml.example.com"));
        form->addRow(tr("&Address:"), m_urlEdit);
        auto* caRow = new QHBoxLayout;
        m_caEdit = new QLineEdit(this);
        m_caEdit->setObjectName(QStringLiteral("caBundleEdit"));
        m_caEdit->setPlaceholderText(tr("Optional: a PEM file of your internal CA"));
        auto* browse = new QPushButton(tr("&Browse…"), this);
        caRow->addWidget(m_caEdit);
        caRow->addWidget(browse);
        // A row of two widgets gets no buddy by itself: the label's shortcut goes to the field.
        auto* caLabel = new QLabel(tr("&CA bundle:"), this);
        caLabel->setBuddy(m_caEdit);
        form->addRow(caLabel, caRow);
        m_plainHttpCheck = new QCheckBox(
            tr("Allow plain http:// to this server (passwords cross the network unencrypted)"),
            this);
        m_plainHttpCheck->setObjectName(QStringLiteral("plainHttpCheck"));
        form->addRow(m_plainHttpCheck);
        layout->addLayout(form);
        m_checkButton = new QPushButton(tr("Check c&onnection"), this);
        m_checkButton->setObjectName(QStringLiteral("checkButton"));
        layout->addWidget(m_checkButton, 0, Qt::AlignLeft);
        m_status = makeStatusLabel(this, QStringLiteral("serverStatus"));
        layout->addWidget(m_status);
        layout->addStretch();

        registerField(QStringLiteral("url*"), m_urlEdit);
        registerField(QStringLiteral("caBundle"), m_caEdit);

        const auto invalidate = [this] {
            m_wizard->m_connectionChecked = false;
            m_wizard->m_adminSignedIn = false;
            Q_EMIT completeChanged();
        };
        connect(m_urlEdit, &QLineEdit::textChanged, this, [this, invalidate] {
            m_wizard->m_trust.pinnedSha256.clear(); // a pinned certificate is for one server
            invalidate();
        });
        connect(m_caEdit, &QLineEdit::textChanged, this, invalidate);
        connect(m_plainHttpCheck, &QCheckBox::toggled, this, invalidate);
        connect(browse, &QPushButton::clicked, this, [this] {
            const QString path = QFileDialog::getOpenFileName(
                this, tr("CA bundle"), {}, tr("PEM certificates (*.pem *.crt);;All files (*)"));
            if (!path.isEmpty())
                m_caEdit->setText(path);
        });
        connect(m_checkButton, &QPushButton::clicked, this, [this] { check(); });
    }

    bool isComplete() const override
    {
        return QWizardPage::isComplete() && m_wizard->m_connectionChecked && !m_busy;
    }

    void check()
    {
        QString error;
        const QUrl root = controlplane::apiRootFromUserInput(m_urlEdit->text(), &error);
        if (!root.isValid()) {
            say(error.isEmpty() ? tr("This is not an address; type it as in your browser.")
                                : error);
            return;
        }
        controlplane::TlsTrust trust;
        trust.pinnedSha256 = m_wizard->m_trust.pinnedSha256;
        const QString caPath = m_caEdit->text().trimmed();
        if (!caPath.isEmpty()) {
            const auto bundle = controlplane::TlsTrust::loadCaBundle(caPath, {}, &error);
            if (!bundle) {
                say(tr("The CA bundle could not be used: %1\nChoose a PEM file with the "
                       "certificate of your internal CA, or leave the field empty.")
                        .arg(error));
                return;
            }
            trust.extraCaCertificates = *bundle;
        }
        const bool plain = root.scheme() == QLatin1String("http");
        if (plain && !Session::isLoopback(root) && !m_plainHttpCheck->isChecked()) {
            say(tr("%1 is not encrypted (http://): the admin password would cross the network "
                   "readable by anyone on the way. Use https://, or tick \"Allow plain "
                   "http://\" if you accept that.")
                    .arg(root.host()));
            return;
        }
        m_wizard->m_trust = trust;
        m_wizard->m_caBundlePath = caPath;
        m_wizard->m_allowPlainHttp = plain && m_plainHttpCheck->isChecked();
        setBusy(true);
        say(tr("Checking %1…").arg(root.toDisplayString()));
        auto* probe = m_wizard->m_probe;
        probe->abortAll();
        probe->setApiRoot(root);
        probe->setTlsTrust(trust);
        probe->fetchCurrentUser(this, [this, root, plain](const users::User&, const ApiError& e) {
            setBusy(false);
            answered(root, plain, e);
        });
    }

private:
    void answered(const QUrl& root, bool plain, const ApiError& error)
    {
        const auto& trust = m_wizard->m_trust;
        if (error.kind == ApiError::Kind::Tls && m_wizard->m_probe->refusedCertificate()) {
            askToTrust(*m_wizard->m_probe->refusedCertificate());
            return;
        }
        if (error && error.kind != ApiError::Kind::Unauthorized
            && error.kind != ApiError::Kind::Forbidden) {
            if (error.kind == ApiError::Kind::NotFound || error.kind == ApiError::Kind::Malformed)
                say(tr("Something answered at %1, but not a ZenML Pro control plane (%2). Check "
                       "the address.")
                        .arg(root.toDisplayString(), error.message));
            else
                say(describeError(error));
            return;
        }
        QString tls;
        if (plain)
            tls = tr("The connection is not encrypted (plain http).");
        else if (!trust.pinnedSha256.isEmpty())
            tls = tr("The connection is encrypted; the server presented exactly the certificate "
                     "you chose to trust.");
        else if (!trust.extraCaCertificates.isEmpty())
            tls = tr("The connection is encrypted; the certificate was verified with your CA "
                     "bundle.");
        else
            tls = tr("The connection is encrypted; the certificate was verified by the "
                     "certificate authorities this computer trusts.");
        m_wizard->m_apiRoot = root;
        m_wizard->m_connectionChecked = true;
        say(tr("The control plane at %1 is reachable. %2").arg(root.toDisplayString(), tls));
        Q_EMIT completeChanged();
    }

    void askToTrust(const controlplane::CertificateInfo& certificate)
    {
        say(tr("The server's certificate is not trusted by this computer. Look at it and decide "
               "whether to trust it."));
        auto* dialog = new TrustCertificateDialog(certificate, certificate.host, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &QDialog::accepted, this, [this, sha256 = certificate.sha256] {
            m_wizard->m_trust.pinnedSha256 = sha256; // exactly this one certificate
            check();
        });
        connect(dialog, &QDialog::rejected, this, [this] {
            say(tr("The certificate was not trusted, and nothing was sent to the server. To use "
                   "an internal CA instead, choose its CA bundle and check again."));
        });
        dialog->open();
    }

    void setBusy(bool busy)
    {
        m_busy = busy;
        m_checkButton->setEnabled(!busy);
        Q_EMIT completeChanged();
    }
    void say(const QString& text) { m_status->setText(text); }

    OnboardingWizard* m_wizard;
    QLineEdit* m_urlEdit;
    QLineEdit* m_caEdit;
    QCheckBox* m_plainHttpCheck;
    QPushButton* m_checkButton;
    QLabel* m_status;
    bool m_busy = false;
};

// ---------------------------------------------------------------------------------------------

class AdminWizardPage final : public QWizardPage
{
public:
    // Going Back keeps what was typed (QWizard would reset the fields).
    void cleanupPage() override { }

    explicit AdminWizardPage(OnboardingWizard* wizard)
        : QWizardPage(wizard)
        , m_wizard(wizard)
    {
        setTitle(tr("Admin sign-in"));
        setSubTitle(tr("Sign in once with the reserved admin account of the deployment."));
        auto* layout = new QVBoxLayout(this);
        auto* form = new QFormLayout;
        m_userEdit = new QLineEdit(User::defaultReservedAdminUsername(), this);
        m_userEdit->setObjectName(QStringLiteral("adminUserEdit"));
        m_passwordEdit = new QLineEdit(this);
        m_passwordEdit->setObjectName(QStringLiteral("adminPasswordEdit"));
        m_passwordEdit->setEchoMode(QLineEdit::Password);
        form->addRow(tr("&Username:"), m_userEdit);
        form->addRow(tr("&Password:"), m_passwordEdit);
        layout->addLayout(form);
        m_signInButton = new QPushButton(tr("&Sign in"), this);
        m_signInButton->setObjectName(QStringLiteral("signInButton"));
        layout->addWidget(m_signInButton, 0, Qt::AlignLeft);
        m_status = makeStatusLabel(this, QStringLiteral("adminStatus"));
        layout->addWidget(m_status);

        auto* help = new QGroupBox(tr("Where is the admin password?"), this);
        auto* helpLayout = new QVBoxLayout(help);
        helpLayout->addWidget(makeIntro(help,
            tr("A Helm deployment generates it and keeps it in a Kubernetes secret. Run this "
               "where kubectl reaches the cluster:")));
        auto* helpForm = new QFormLayout;
        m_namespaceEdit = new QLineEdit(QStringLiteral("zenml-pro"), help);
        m_namespaceEdit->setObjectName(QStringLiteral("namespaceEdit"));
        m_releaseEdit = new QLineEdit(QStringLiteral("zenml-pro"), help);
        m_releaseEdit->setObjectName(QStringLiteral("releaseEdit"));
        helpForm->addRow(tr("Na&mespace:"), m_namespaceEdit);
        helpForm->addRow(tr("&Release name:"), m_releaseEdit);
        helpLayout->addLayout(helpForm);
        auto* commandRow = new QHBoxLayout;
        m_command = new QLabel(help);
        m_command->setObjectName(QStringLiteral("kubectlCommand"));
        m_command->setWordWrap(true);
        m_command->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_command->setTextFormat(Qt::PlainText);
        auto* copy = new QPushButton(tr("&Copy"), help);
        copy->setObjectName(QStringLiteral("copyCommandButton"));
        commandRow->addWidget(m_command, 1);
        commandRow->addWidget(copy, 0, Qt::AlignTop);
        helpLayout->addLayout(commandRow);
        layout->addWidget(help);
        layout->addStretch();

        // Not "*": a mandatory field counts as filled only once it differs from "admin".
        registerField(QStringLiteral("adminUsername"), m_userEdit);
        registerField(QStringLiteral("adminPassword*"), m_passwordEdit);

        const auto updateCommand = [this] {
            m_command->setText(
                OnboardingWizard::kubectlCommand(m_namespaceEdit->text(), m_releaseEdit->text()));
        };
        updateCommand();
        connect(m_namespaceEdit, &QLineEdit::textChanged, this, updateCommand);
        connect(m_releaseEdit, &QLineEdit::textChanged, this, updateCommand);
        connect(copy, &QPushButton::clicked, this,
            [this] { QGuiApplication::clipboard()->setText(m_command->text()); });

        const auto invalidate = [this] {
            m_wizard->m_adminSignedIn = false;
            Q_EMIT completeChanged();
        };
        connect(m_userEdit, &QLineEdit::textEdited, this, invalidate);
        connect(m_passwordEdit, &QLineEdit::textEdited, this, invalidate);
        connect(m_passwordEdit, &QLineEdit::returnPressed, this, [this] { signIn(); });
        connect(m_signInButton, &QPushButton::clicked, this, [this] { signIn(); });

        Session* session = m_wizard->m_adminSession;
        connect(session, &Session::signedIn, this, [this](const User& user) {
            if (!m_busy)
                return;
            setBusy(false);
            if (!user.isSuperuser) {
                say(tr("Signed in as %1, but this account is not a super-user and cannot create "
                       "accounts. Sign in with the reserved admin account.")
                        .arg(user.username));
                return;
            }
            m_wizard->m_adminSignedIn = true;
            say(tr("Signed in as %1. Press Next.").arg(user.username));
            Q_EMIT completeChanged();
        });
        connect(session, &Session::signInFailed, this, [this](const ApiError& error) {
            if (!m_busy)
                return;
            setBusy(false);
            if (error.kind == ApiError::Kind::Unauthorized)
                say(tr("The server refused this username and password. Check the password (the "
                       "command below reads it from the cluster), the username if the deployment "
                       "changed it, and that password authentication is enabled."));
            else
                say(tr("Sign-in failed. %1").arg(describeError(error)));
            m_passwordEdit->setFocus();
            m_passwordEdit->selectAll();
        });
        connect(session, &Session::passwordChangeRequired, this, [this](const QString& name) {
            if (!m_busy)
                return;
            setBusy(false);
            say(tr("The server wants a new password for %1 before it can be used. Set one in the "
                   "ZenML dashboard, then sign in here with it.")
                    .arg(name));
        });
    }

    void initializePage() override
    {
        if (m_wizard->m_adminSession->apiRoot() != m_wizard->m_apiRoot)
            m_wizard->m_adminSignedIn = false;
        if (!m_wizard->m_adminSignedIn)
            say({});
    }

    bool isComplete() const override
    {
        return QWizardPage::isComplete() && !m_userEdit->text().trimmed().isEmpty()
            && m_wizard->m_adminSignedIn && !m_busy;
    }

private:
    using User = users::User;

    void signIn()
    {
        if (m_busy || m_userEdit->text().trimmed().isEmpty() || m_passwordEdit->text().isEmpty())
            return;
        Session* session = m_wizard->m_adminSession;
        session->setTlsTrust(m_wizard->m_trust);
        session->setPlainHttpConfirmed(m_wizard->m_allowPlainHttp);
        session->setReservedAdminUsername(m_userEdit->text().trimmed());
        m_wizard->m_adminSignedIn = false;
        setBusy(true);
        say(tr("Signing in…"));
        session->signIn(m_wizard->m_apiRoot, Session::Method::Password,
            m_userEdit->text().trimmed(), m_passwordEdit->text());
    }

    void setBusy(bool busy)
    {
        m_busy = busy;
        m_signInButton->setEnabled(!busy);
        Q_EMIT completeChanged();
    }
    void say(const QString& text) { m_status->setText(text); }

    OnboardingWizard* m_wizard;
    QLineEdit* m_userEdit;
    QLineEdit* m_passwordEdit;
    QPushButton* m_signInButton;
    QLabel* m_status;
    QLineEdit* m_namespaceEdit;
    QLineEdit* m_releaseEdit;
    QLabel* m_command;
    bool m_busy = false;
};

// ---------------------------------------------------------------------------------------------

class SuperuserWizardPage final : public QWizardPage
{
public:
    // Going Back keeps what was typed (QWizard would reset the fields).
    void cleanupPage() override { }

    explicit SuperuserWizardPage(OnboardingWizard* wizard)
        : QWizardPage(wizard)
        , m_wizard(wizard)
    {
        setTitle(tr("Your super-user account"));
        setSubTitle(tr("An account of your own, with full rights, instead of the admin account."));
        auto* layout = new QVBoxLayout(this);
        m_existingLabel = makeStatusLabel(this, QStringLiteral("existingLabel"));
        layout->addWidget(m_existingLabel);
        m_existingList = new QListWidget(this);
        m_existingList->setObjectName(QStringLiteral("existingList"));
        m_existingList->setMaximumHeight(100);
        layout->addWidget(m_existingList);
        m_skipCheck = new QCheckBox(
            tr("&Skip: I will connect with one of these accounts instead of creating one"), this);
        m_skipCheck->setObjectName(QStringLiteral("skipCheck"));
        layout->addWidget(m_skipCheck);

        m_createBox = new QGroupBox(tr("New super-user"), this);
        auto* form = new QFormLayout(m_createBox);
        m_usernameEdit = new QLineEdit(m_createBox);
        m_usernameEdit->setObjectName(QStringLiteral("newUsernameEdit"));
        m_nameEdit = new QLineEdit(m_createBox);
        m_nameEdit->setObjectName(QStringLiteral("displayNameEdit"));
        form->addRow(tr("&Username:"), m_usernameEdit);
        form->addRow(tr("&Display name:"), m_nameEdit);
        form->addRow(makeIntro(m_createBox,
            tr("A password is generated and shown once; you choose your own on the next page.")));
        m_createButton = new QPushButton(tr("C&reate account"), m_createBox);
        m_createButton->setObjectName(QStringLiteral("createButton"));
        form->addRow(m_createButton);
        layout->addWidget(m_createBox);
        m_status = makeStatusLabel(this, QStringLiteral("createStatus"));
        layout->addWidget(m_status);
        layout->addStretch();

        registerField(QStringLiteral("newUsername"), m_usernameEdit);
        registerField(QStringLiteral("displayName"), m_nameEdit);
        registerField(QStringLiteral("skipCreate"), m_skipCheck);

        connect(m_skipCheck, &QCheckBox::toggled, this, [this](bool skip) {
            m_createBox->setEnabled(!skip && !m_wizard->m_createdUser);
            Q_EMIT completeChanged();
        });
        connect(m_createButton, &QPushButton::clicked, this, [this] { create(); });
        showExisting(false);
    }

    void initializePage() override
    {
        if (m_wizard->m_createdUser) {
            showCreated();
            return;
        }
        if (m_listing)
            return;
        m_listing = true;
        m_usernameEdit->setFocus();
        m_createButton->setEnabled(false);
        say(tr("Looking for super-users…"));
        m_users.clear();
        auto* job = m_wizard->m_adminSession->client()->listUsers();
        job->setParent(this);
        connect(job, &controlplane::UserListJob::pageReceived, this,
            [this](const users::UserList& page) { m_users += page; });
        connect(job, &controlplane::UserListJob::finished, this, [this, job](const ApiError& e) {
            job->deleteLater();
            m_listing = false;
            m_createButton->setEnabled(true);
            if (e) {
                say(tr("The accounts could not be listed (%1). You can still create one; "
                       "go Back and Next to look again.")
                        .arg(describeError(e)));
                return;
            }
            say({});
            listed();
        });
        job->start();
    }

    bool isComplete() const override
    {
        return !m_listing
            && (m_wizard->m_createdUser.has_value() || (m_offerSkip && m_skipCheck->isChecked()));
    }

private:
    void listed()
    {
        const QString admin = m_wizard->m_adminSession->reservedAdminUsername();
        m_existingList->clear();
        for (const auto& user : std::as_const(m_users)) {
            if (user.isSuperuser && !users::sameUsername(user.username, admin))
                m_existingList->addItem(user.name.isEmpty()
                        ? user.username
                        : QStringLiteral("%1 (%2)").arg(user.username, user.name));
        }
        const bool any = m_existingList->count() > 0;
        showExisting(any);
        if (any) {
            m_existingLabel->setText(
                tr("%n super-user(s) other than %1 already exist. You can skip creating another "
                   "one and connect with one of them.",
                    nullptr, m_existingList->count())
                    .arg(admin));
            m_skipCheck->setChecked(true);
        }
        Q_EMIT completeChanged();
    }

    void showExisting(bool show)
    {
        m_offerSkip = show;
        m_existingLabel->setVisible(show);
        m_existingList->setVisible(show);
        m_skipCheck->setVisible(show);
        if (!show)
            m_skipCheck->setChecked(false);
    }

    void create()
    {
        if (m_creating || m_wizard->m_createdUser)
            return;
        const QString username = m_usernameEdit->text().trimmed();
        if (const auto verdict = users::validateUsername(username); !verdict) {
            say(verdict.reason);
            m_usernameEdit->setFocus();
            return;
        }
        if (const auto* taken = users::usernameTakenBy(m_users, username)) {
            say(tr("An account named %1 already exists. Choose another username.")
                    .arg(taken->username));
            return;
        }
        const QString password = users::PasswordGenerator().generate();
        m_creating = true;
        m_createButton->setEnabled(false);
        say(tr("Creating %1…").arg(username));
        auto* client = m_wizard->m_adminSession->client();
        client->createUser({ username, password, true }, this,
            [this, password, client](const users::User& user, const ApiError& error) {
                if (error) {
                    m_creating = false;
                    m_createButton->setEnabled(true);
                    if (error.kind == ApiError::Kind::Conflict)
                        say(tr("An account with this username already exists. Choose another "
                               "username."));
                    else
                        say(tr("The account was not created. %1").arg(describeError(error)));
                    return;
                }
                m_wizard->m_createdUser = user;
                m_wizard->m_generatedPassword = password;
                const QString name = m_nameEdit->text().trimmed();
                if (name.isEmpty() || name == user.name) {
                    created();
                    return;
                }
                controlplane::UserPatch patch;
                patch.name = name;
                client->updateUser(
                    user.id, patch, this, [this](const users::User& renamed, const ApiError& e) {
                        if (!e)
                            m_wizard->m_createdUser = renamed;
                        created(e ? tr("The display name was not set (%1); set it later in the "
                                       "account list.")
                                        .arg(e.message)
                                  : QString());
                    });
            });
    }

    void created(const QString& note = {})
    {
        m_creating = false;
        showCreated();
        if (!note.isEmpty())
            say(m_status->text() + u'\n' + note);
        const auto& user = *m_wizard->m_createdUser;
        auto* dialog = new PasswordRevealDialog(user.username, m_wizard->m_generatedPassword,
            tr("The super-user %1 was created with this password. You will choose your own on "
               "the next page.")
                .arg(user.username),
            this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
        Q_EMIT completeChanged();
    }

    void showCreated()
    {
        const auto& user = *m_wizard->m_createdUser;
        m_usernameEdit->setText(user.username);
        m_nameEdit->setText(user.name);
        m_createBox->setEnabled(false);
        m_skipCheck->setEnabled(false);
        say(tr("The super-user %1 was created. Press Next to sign in with it.").arg(user.username));
    }

    void say(const QString& text) { m_status->setText(text); }

    OnboardingWizard* m_wizard;
    QLabel* m_existingLabel;
    QListWidget* m_existingList;
    QCheckBox* m_skipCheck;
    QGroupBox* m_createBox;
    QLineEdit* m_usernameEdit;
    QLineEdit* m_nameEdit;
    QPushButton* m_createButton;
    QLabel* m_status;
    users::UserList m_users;
    bool m_listing = false;
    bool m_creating = false;
    bool m_offerSkip = false; // super-users other than the admin exist
};

// ---------------------------------------------------------------------------------------------

class VerifyWizardPage final : public QWizardPage
{
public:
    // Going Back keeps what was typed (QWizard would reset the fields).
    void cleanupPage() override { }

    explicit VerifyWizardPage(OnboardingWizard* wizard)
        : QWizardPage(wizard)
        , m_wizard(wizard)
    {
        setTitle(tr("Verify"));
        auto* layout = new QVBoxLayout(this);
        m_intro = makeIntro(this, {});
        layout->addWidget(m_intro);
        auto* form = new QFormLayout;
        m_userEdit = new QLineEdit(this);
        m_userEdit->setObjectName(QStringLiteral("verifyUserEdit"));
        m_passwordEdit = new QLineEdit(this);
        m_passwordEdit->setObjectName(QStringLiteral("verifyPasswordEdit"));
        m_passwordEdit->setEchoMode(QLineEdit::Password);
        m_newEdit = new QLineEdit(this);
        m_newEdit->setObjectName(QStringLiteral("newPasswordEdit"));
        m_newEdit->setEchoMode(QLineEdit::Password);
        m_repeatEdit = new QLineEdit(this);
        m_repeatEdit->setObjectName(QStringLiteral("repeatPasswordEdit"));
        m_repeatEdit->setEchoMode(QLineEdit::Password);
        form->addRow(tr("&Username:"), m_userEdit);
        m_passwordLabel = new QLabel(tr("Current &password:"), this);
        m_passwordLabel->setBuddy(m_passwordEdit);
        form->addRow(m_passwordLabel, m_passwordEdit);
        form->addRow(tr("&New password:"), m_newEdit);
        form->addRow(tr("&Repeat it:"), m_repeatEdit);
        layout->addLayout(form);
        m_verifyButton = new QPushButton(tr("Sign &in and verify"), this);
        m_verifyButton->setObjectName(QStringLiteral("verifyButton"));
        layout->addWidget(m_verifyButton, 0, Qt::AlignLeft);
        m_status = makeStatusLabel(this, QStringLiteral("verifyStatus"));
        layout->addWidget(m_status);
        layout->addStretch();

        connect(m_verifyButton, &QPushButton::clicked, this, [this] { verify(); });
        Session* session = m_wizard->m_userSession;
        connect(session, &Session::passwordChangeRequired, this, [this](const QString& name) {
            if (!m_busy)
                return;
            const QString chosen = m_newEdit->text();
            if (chosen.isEmpty() || chosen != m_repeatEdit->text()) {
                setBusy(false);
                say(tr("The server asks for a new password for %1 on its first sign-in. Type "
                       "your own new password twice, then press \"Sign in and verify\" again.")
                        .arg(name));
                m_newEdit->setFocus();
                return;
            }
            m_changing = chosen;
            say(tr("Setting your new password…"));
            m_wizard->m_userSession->changeExpiredPassword(chosen);
        });
        connect(session, &Session::passwordChangeFailed, this, [this](const ApiError& error) {
            if (!m_busy)
                return;
            setBusy(false);
            m_changing.clear();
            say(tr("The new password was refused: %1\nChoose another one and press \"Sign in "
                   "and verify\" again.")
                    .arg(describeError(error)));
        });
        connect(session, &Session::signInFailed, this, [this](const ApiError& error) {
            if (!m_busy)
                return;
            setBusy(false);
            m_changing.clear();
            if (error.kind == ApiError::Kind::Unauthorized)
                say(tr("The server refused the username and password. Check them and try "
                       "again."));
            else
                say(tr("Sign-in failed. %1").arg(describeError(error)));
        });
        connect(session, &Session::signedIn, this, [this](const users::User& user) {
            if (!m_busy)
                return;
            setBusy(false);
            if (!m_changing.isEmpty()) {
                m_wizard->m_passwordChanged = true;
                m_password = m_changing;
                m_passwordEdit->setText(m_changing);
            }
            m_changing.clear();
            if (!user.isSuperuser) {
                say(tr("Signed in as %1, but this account is not a super-user. Go Back and "
                       "create one, or use another account.")
                        .arg(user.username));
                return;
            }
            m_wizard->m_verified = true;
            m_wizard->m_verifiedUsername = user.username;
            m_wizard->m_verifiedPassword = m_password;
            for (auto* edit : { m_userEdit, m_passwordEdit, m_newEdit, m_repeatEdit })
                edit->setEnabled(false);
            m_verifyButton->setEnabled(false);
            say(tr("Signed in as %1: the account works and is a super-user.%2")
                    .arg(user.username,
                        m_wizard->m_passwordChanged ? tr(" Your new password is set.")
                                                    : QString()));
            Q_EMIT completeChanged();
        });
    }

    void initializePage() override
    {
        if (m_wizard->m_verified)
            return;
        const auto& created = m_wizard->m_createdUser;
        if (created) {
            setSubTitle(tr("Sign in as the new account and choose its password."));
            m_intro->setText(tr("The control plane asks for a new password on the first "
                                "sign-in of %1. Type your own password twice; the generated "
                                "one stops working.")
                                 .arg(created->username));
            m_userEdit->setText(created->username);
            m_userEdit->setReadOnly(true);
            m_passwordEdit->setText(m_wizard->m_generatedPassword);
            m_passwordEdit->setVisible(false);
            m_passwordLabel->setVisible(false);
        } else {
            setSubTitle(tr("Sign in with the super-user account you will use from now on."));
            m_intro->setText(tr("Type the username and password of an existing super-user. If "
                                "the server asks for a new password, type one twice as well."));
            m_userEdit->setReadOnly(false);
            m_passwordEdit->setVisible(true);
            m_passwordLabel->setVisible(true);
        }
    }

    bool isComplete() const override { return m_wizard->m_verified && !m_busy; }

private:
    void verify()
    {
        if (m_busy)
            return;
        const QString username = m_userEdit->text().trimmed();
        if (username.isEmpty() || m_passwordEdit->text().isEmpty()) {
            say(tr("Type the username and the password."));
            return;
        }
        if (m_newEdit->text() != m_repeatEdit->text()) {
            say(tr("The two new passwords differ. Type the same one twice."));
            m_repeatEdit->setFocus();
            return;
        }
        m_password = m_passwordEdit->text();
        Session* session = m_wizard->m_userSession;
        session->setTlsTrust(m_wizard->m_trust);
        session->setPlainHttpConfirmed(m_wizard->m_allowPlainHttp);
        session->setReservedAdminUsername(m_wizard->m_adminSession->reservedAdminUsername());
        session->setEnforcePasswordChange(true);
        setBusy(true);
        say(tr("Signing in as %1…").arg(username));
        session->signIn(m_wizard->m_apiRoot, Session::Method::Password, username, m_password);
    }

    void setBusy(bool busy)
    {
        m_busy = busy;
        m_verifyButton->setEnabled(!busy);
        Q_EMIT completeChanged();
    }
    void say(const QString& text) { m_status->setText(text); }

    OnboardingWizard* m_wizard;
    QLabel* m_intro;
    QLineEdit* m_userEdit;
    QLabel* m_passwordLabel;
    QLineEdit* m_passwordEdit;
    QLineEdit* m_newEdit;
    QLineEdit* m_repeatEdit;
    QPushButton* m_verifyButton;
    QLabel* m_status;
    QString m_password; // the one signing in works with
    QString m_changing; // the new one being set
    bool m_busy = false;
};

// ---------------------------------------------------------------------------------------------

class FinishWizardPage final : public QWizardPage
{
public:
    // Going Back keeps what was typed (QWizard would reset the fields).
    void cleanupPage() override { }

    explicit FinishWizardPage(OnboardingWizard* wizard)
        : QWizardPage(wizard)
        , m_wizard(wizard)
    {
        setTitle(tr("Finish"));
        setSubTitle(tr("Save the connection for next time."));
        auto* layout = new QVBoxLayout(this);
        auto* form = new QFormLayout;
        m_nameEdit = new QLineEdit(this);
        m_nameEdit->setObjectName(QStringLiteral("profileNameEdit"));
        form->addRow(tr("Profile &name:"), m_nameEdit);
        m_rememberCheck = new QCheckBox(tr("Remember the password in the system &keychain"), this);
        m_rememberCheck->setObjectName(QStringLiteral("rememberCheck"));
        m_rememberCheck->setChecked(true);
        form->addRow(m_rememberCheck);
        layout->addLayout(form);
        m_summary = makeStatusLabel(this, QStringLiteral("summary"));
        layout->addWidget(m_summary);
        layout->addStretch();
        registerField(QStringLiteral("profileName*"), m_nameEdit);
        registerField(QStringLiteral("rememberSecret"), m_rememberCheck);
        setFinalPage(true);
    }

    void initializePage() override
    {
        const QUrl root = m_wizard->m_apiRoot;
        const QString user = m_wizard->m_verifiedUsername;
        if (m_nameEdit->text().isEmpty())
            m_nameEdit->setText(QStringLiteral("%1@%2").arg(user, root.host()));
        m_summary->setText(
            tr("<p>The profile connects to <b>%1</b> as <b>%2</b>, a verified super-user.</p>"
               "<p><b>Use %2 from now on.</b> Keep the reserved admin account for emergencies "
               "only; its password is not stored by this program.</p>")
                .arg(root.toDisplayString().toHtmlEscaped(), user.toHtmlEscaped()));
    }

    bool validatePage() override
    {
        return m_wizard->saveProfile(m_nameEdit->text().trimmed(), m_rememberCheck->isChecked());
    }

private:
    OnboardingWizard* m_wizard;
    QLineEdit* m_nameEdit;
    QCheckBox* m_rememberCheck;
    QLabel* m_summary;
};

// ---------------------------------------------------------------------------------------------

OnboardingWizard::OnboardingWizard(
    session::ProfileStore* profiles, session::SecretStore* secrets, QWidget* parent)
    : QWizard(parent)
    , m_profiles(profiles)
    , m_secrets(secrets)
    , m_network(new QNetworkAccessManager(this))
    , m_probe(new controlplane::ApiClient(m_network, this))
    , m_adminSession(new Session(m_network, this))
    , m_userSession(new Session(m_network, this))
{
    setObjectName(QStringLiteral("OnboardingWizard"));
    setWindowTitle(tr("Set up ZenML Pro Admin"));
    setWizardStyle(QWizard::ModernStyle);
    // Room for the admin page's help panel: its fields and the kubectl command must not be
    // squeezed into unreadable strips.
    setMinimumSize(720, 580);
    setOption(QWizard::NoBackButtonOnLastPage, true);
    setPage(WelcomePage, new WelcomeWizardPage(this));
    setPage(ServerPage, new ServerWizardPage(this));
    setPage(AdminPage, new AdminWizardPage(this));
    setPage(SuperuserPage, new SuperuserWizardPage(this));
    setPage(VerifyPage, new VerifyWizardPage(this));
    setPage(FinishPage, new FinishWizardPage(this));
    setStartId(WelcomePage);
}

OnboardingWizard::~OnboardingWizard()
{
    m_probe->abortAll();
    m_adminSession->client()->abortAll();
    m_userSession->client()->abortAll();
}

QString OnboardingWizard::kubectlCommand(const QString& helmNamespace, const QString& release)
{
    const auto orPlaceholder = [](const QString& text, const QString& placeholder) {
        const QString trimmed = text.trimmed();
        return trimmed.isEmpty() ? placeholder : trimmed;
    };
    return QStringLiteral("kubectl get secret --namespace %1 %2 -o "
                          "jsonpath=\"{.data.ZENML_CLOUD_ADMIN_PASSWORD}\" | base64 --decode")
        .arg(orPlaceholder(helmNamespace, QStringLiteral("<namespace>")),
            orPlaceholder(release, QStringLiteral("<release>")));
}

bool OnboardingWizard::saveProfile(const QString& profileName, bool rememberSecret)
{
    if (profileName.isEmpty() || !m_verified)
        return false;
    session::ServerProfile profile;
    profile.name = profileName;
    profile.apiRoot = m_apiRoot;
    profile.method = Session::Method::Password;
    profile.username = m_verifiedUsername;
    profile.caBundlePath = m_caBundlePath;
    profile.trustedCertificateSha256 = m_trust.pinnedSha256;
    profile.allowPlainHttp = m_allowPlainHttp;
    // The wizard closes at once; the keychain's answer, and a failure, only reach the log.
    using Choice = session::ProfileStore::SecretChoice;
    m_profiles->saveWithSecret(profile, m_verifiedPassword,
        rememberSecret ? Choice::Store : Choice::Forget, *m_secrets, this, {});
    m_saved = true;
    Q_EMIT finishedWithProfile(profileName);
    return true;
}

void OnboardingWizard::reject()
{
    // The generated password is the only way into the created account until it is changed.
    if (m_createdUser && !m_passwordChanged && !m_saved) {
        if (m_closing)
            return; // the reveal dialog is showing; it closes the wizard when confirmed
        m_closing = true;
        auto* dialog = new PasswordRevealDialog(m_createdUser->username, m_generatedPassword,
            tr("The wizard is closing. The super-user %1 exists with this password, shown one "
               "last time: record it now.")
                .arg(m_createdUser->username),
            this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &QDialog::finished, this, [this] { QWizard::reject(); });
        dialog->open();
        return;
    }
    QWizard::reject();
}

} // namespace zenml::ui
