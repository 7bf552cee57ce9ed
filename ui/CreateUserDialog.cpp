#include "CreateUserDialog.h"

#include "Logging.h"
#include "controlplane/ApiClient.h"
#include "ui_CreateUserDialog.h"
#include "users/PasswordGenerator.h"

#include <QPushButton>

namespace zenml::ui {

using controlplane::ApiError;
using users::PasswordGenerator;

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

    showMessage({});
    setBusy(true);
    controlplane::NewUser request { username, password, m_ui->superuserCheck->isChecked() };
    qCInfo(lcUi) << "creating user" << username;
    m_client->createUser(
        request, this, [this, displayName](const users::User& created, const ApiError& error) {
            if (error) {
                setBusy(false);
                showMessage(error.kind == ApiError::Kind::Conflict
                        ? tr("The server refused: %1 Choose another username.").arg(error.message)
                        : tr("The user was not created: %1").arg(error.message));
                return;
            }
            if (displayName.isEmpty()) {
                finish(created, {});
                return;
            }
            // The create call takes no display name: it is set by a second request.
            controlplane::UserPatch patch;
            patch.name = displayName;
            m_client->updateUser(created.id, patch, this,
                [this, created](const users::User& updated, const ApiError& patchError) {
                    if (patchError) {
                        finish(created,
                            tr("%1 was created, but its display name could not be set: %2")
                                .arg(created.username, patchError.message));
                        return;
                    }
                    finish(updated, {});
                });
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
