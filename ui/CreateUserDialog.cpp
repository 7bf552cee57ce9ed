#include "CreateUserDialog.h"

#include "Logging.h"
#include "controlplane/ApiClient.h"
#include "ui_CreateUserDialog.h"
#include "users/PasswordGenerator.h"

#include <QPushButton>

namespace zenml::ui {

using controlplane::ApiError;
using users::PasswordGenerator;
using users::User;

namespace {

void setAllEnabled(std::initializer_list<QWidget*> widgets, bool enabled)
{
    for (QWidget* widget : widgets)
        widget->setEnabled(enabled);
}

} // namespace

CreateUserDialog::CreateUserDialog(
    controlplane::ApiClient* client, const users::AccountRules& rules, QWidget* parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::CreateUserDialog>())
    , m_client(client)
    , m_rules(rules)
{
    m_ui->setupUi(this);
    m_ui->busyBar->setVisible(false);
    m_ui->messageLabel->setVisible(false);
    m_ui->lengthSpin->setRange(PasswordGenerator::minimumLength, PasswordGenerator::maximumLength);
    m_ui->lengthSpin->setValue(PasswordGenerator::defaultLength);
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setText(tr("&Create"));

    connect(m_ui->generateRadio, &QRadioButton::toggled, this,
        &CreateUserDialog::updateForPasswordMode);
    // A changed setting means a new password: the kept one no longer matches what is asked.
    for (QCheckBox* box : { m_ui->symbolsCheck, m_ui->lookAlikesCheck })
        connect(box, &QCheckBox::toggled, this, [this] { m_generatedPassword.clear(); });
    connect(
        m_ui->lengthSpin, &QSpinBox::valueChanged, this, [this] { m_generatedPassword.clear(); });
    // "Try again" belongs to the username whose answer was lost.
    connect(m_ui->usernameEdit, &QLineEdit::textEdited, this,
        [this] { m_ui->buttonBox->button(QDialogButtonBox::Ok)->setText(tr("&Create")); });
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &CreateUserDialog::accept);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &CreateUserDialog::reject);
    updateForPasswordMode();
    m_ui->usernameEdit->setFocus();
}

CreateUserDialog::~CreateUserDialog() = default;

QString CreateUserDialog::message() const
{
    return m_ui->messageLabel->isVisible() ? m_ui->messageLabel->text() : QString();
}

void CreateUserDialog::accept()
{
    if (m_busy)
        return;

    // Sent as typed: the rules refuse surrounding spaces with a suggestion instead of
    // silently changing the name the administrator chose.
    const QString username = m_ui->usernameEdit->text();
    const QString displayName = m_ui->nameEdit->text().trimmed();
    if (const auto verdict = m_rules.canCreate(username); !verdict) {
        showMessage(verdict.reason);
        m_ui->usernameEdit->setFocus();
        return;
    }
    if (!displayName.isEmpty()) {
        users::User prospective;
        prospective.username = username;
        if (const auto verdict = m_rules.canChangeDisplayName(prospective, displayName); !verdict) {
            showMessage(verdict.reason);
            m_ui->nameEdit->setFocus();
            return;
        }
    }

    QString password;
    const bool generate = m_ui->generateRadio->isChecked();
    if (generate) {
        PasswordGenerator generator(m_ui->lengthSpin->value());
        PasswordGenerator::CharacterClasses classes = PasswordGenerator::allClasses();
        if (!m_ui->symbolsCheck->isChecked())
            classes
                &= ~PasswordGenerator::CharacterClasses(PasswordGenerator::CharacterClass::Symbols);
        generator.setClasses(classes);
        generator.setExcludeLookAlikes(m_ui->lookAlikesCheck->isChecked());
        if (!generator.isValid()) {
            showMessage(generator.errorString());
            return;
        }
        if (m_generatedPassword.isEmpty())
            m_generatedPassword = generator.generate();
        password = m_generatedPassword;
    } else {
        password = m_ui->passwordEdit->text();
        if (password.isEmpty()) {
            showMessage(tr("Type the initial password, or let the program generate one."));
            m_ui->passwordEdit->setFocus();
            return;
        }
        if (password != m_ui->repeatEdit->text()) {
            showMessage(tr("The two passwords differ. Type the same password in both fields."));
            m_ui->repeatEdit->setFocus();
            m_ui->repeatEdit->selectAll();
            return;
        }
    }

    send({ username, password, m_ui->superuserCheck->isChecked() }, displayName);
}

void CreateUserDialog::send(const controlplane::NewUser& request, const QString& displayName)
{
    showMessage({});
    setBusy(true);
    qCInfo(lcUi) << "creating user" << request.username;
    m_client->createUser(
        request, this, [this, request, displayName](const User& created, const ApiError& error) {
            if (!error) {
                afterCreated(created, displayName, {});
                return;
            }
            // A timeout or a broken connection may have lost only the answer: the account may
            // exist, with exactly this password. So may a 409: the network layer sends a
            // request again by itself when the connection closed before any answer, and the
            // second one then meets the account the first one made.
            if (error.kind == ApiError::Kind::Network || error.kind == ApiError::Kind::Conflict) {
                checkWhetherCreated(request, displayName, error);
                return;
            }
            setBusy(false);
            showMessage(tr("The user was not created: %1").arg(error.message));
        });
}

// Asks the server whether this dialog's create took place before anything else is offered: a
// blind retry could create the account twice, and a name conflict may be with the
// administrator's own new account.
void CreateUserDialog::checkWhetherCreated(
    const controlplane::NewUser& request, const QString& displayName, const ApiError& failure)
{
    const bool lost = failure.kind == ApiError::Kind::Network;
    qCInfo(lcUi) << "creating" << request.username << "failed (" << ApiError::kindName(failure.kind)
                 << "); checking whether the account exists";
    if (lost) {
        showMessage(tr("%1 The server may have created the account anyway: checking whether %2 "
                       "exists…")
                        .arg(failure.message, request.username));
    }
    const auto conflict = [this, failure] {
        setBusy(false);
        showMessage(tr("The server refused: %1 Choose another username.").arg(failure.message));
    };
    const auto uncertain = [this, failure, request](const QString& why) {
        setBusy(false);
        showMessage(tr("%1 Whether %2 was created anyway could not be checked: %3 Press Create "
                       "to try again; if the account exists, this dialog will find it.")
                        .arg(failure.message, request.username, why));
    };

    m_client->findUserByUsername(
        request.username, this, [=, this](const std::optional<User>& found, const ApiError& error) {
            if (error) {
                uncertain(error.message);
                return;
            }
            if (!found) {
                if (!lost) {
                    conflict();
                    return;
                }
                qCInfo(lcUi) << request.username << "was not created: offering a retry";
                setBusy(false);
                m_ui->buttonBox->button(QDialogButtonBox::Ok)->setText(tr("&Try again"));
                showMessage(
                    tr("%1 %2 does not exist on the server, so nothing was created. Press Try "
                       "again to send the same request%3.")
                        .arg(failure.message, request.username,
                            m_ui->generateRadio->isChecked()
                                ? tr(", with the same generated password")
                                : QString()));
                return;
            }

            // The account is this dialog's exactly when the password sent opens it; any other
            // likeness (a new local account, a password to change) fits someone else's too.
            // The sign-in's token is not kept.
            m_client->login(found->username, request.password, this,
                [=, this](const controlplane::LoginResult&, const ApiError& loginError) {
                    const bool opens = !loginError
                        || (loginError.kind == ApiError::Kind::Forbidden
                            && loginError.message.contains(
                                QLatin1String("expired"), Qt::CaseInsensitive));
                    if (opens) {
                        qCInfo(lcUi) << "the create of" << found->username << "had happened";
                        afterCreated(*found, displayName,
                            lost ? tr("The answer to creating %1 was lost, but the account "
                                      "exists on the server with the password given: it was "
                                      "created.")
                                       .arg(found->username)
                                 : QString());
                        return;
                    }
                    if (loginError.kind != ApiError::Kind::Unauthorized) {
                        uncertain(loginError.message);
                        return;
                    }
                    if (!lost) {
                        conflict();
                        return;
                    }
                    setBusy(false);
                    showMessage(tr("%1 An account named %2 exists, but not with the password "
                                   "given here: another administrator may have created it. "
                                   "Choose another username.")
                                    .arg(failure.message, found->username));
                });
        });
}

void CreateUserDialog::afterCreated(
    const User& created, const QString& displayName, const QString& note)
{
    if (displayName.isEmpty()) {
        finish(created, note);
        return;
    }
    // The create call takes no display name: it is set by a second request.
    controlplane::UserPatch patch;
    patch.name = displayName;
    m_client->updateUser(created.id, patch, this,
        [this, created, note](const User& updated, const ApiError& patchError) {
            if (patchError) {
                const QString warning
                    = tr("%1 was created, but its display name could not be set: %2")
                          .arg(created.username, patchError.message);
                finish(created, note.isEmpty() ? warning : note + u' ' + warning);
                return;
            }
            finish(updated, note);
        });
}

void CreateUserDialog::finish(const users::User& user, const QString& warning)
{
    setBusy(false);
    const QString generated = m_ui->generateRadio->isChecked() ? m_generatedPassword : QString();
    Q_EMIT userCreated(user, generated, warning);
    QDialog::accept();
}

void CreateUserDialog::reject()
{
    if (m_busy) {
        showMessage(tr("Wait for the server's answer: the account may already exist."));
        return;
    }
    QDialog::reject();
}

void CreateUserDialog::updateForPasswordMode()
{
    const bool generate = m_ui->generateRadio->isChecked();
    setAllEnabled(
        { m_ui->lengthSpin, m_ui->symbolsCheck, m_ui->lookAlikesCheck, m_ui->lengthLabel },
        generate);
    setAllEnabled({ m_ui->passwordEdit, m_ui->repeatEdit, m_ui->passwordLabel, m_ui->repeatLabel },
        !generate);
}

void CreateUserDialog::setBusy(bool busy)
{
    m_busy = busy;
    m_ui->busyBar->setVisible(busy);
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setEnabled(!busy);
    m_ui->buttonBox->button(QDialogButtonBox::Cancel)->setEnabled(!busy);
    setAllEnabled(
        { m_ui->usernameEdit, m_ui->nameEdit, m_ui->superuserCheck, m_ui->passwordGroup }, !busy);
    if (busy)
        setCursor(Qt::BusyCursor);
    else
        unsetCursor();
}

void CreateUserDialog::showMessage(const QString& text)
{
    m_ui->messageLabel->setText(text);
    m_ui->messageLabel->setVisible(!text.isEmpty());
}

} // namespace zenml::ui
