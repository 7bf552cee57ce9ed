#include "RenameDialog.h"

#include "Logging.h"
#include "controlplane/ApiClient.h"
#include "ui_RenameDialog.h"

#include <QPushButton>

namespace zenml::ui {

using controlplane::ApiError;

RenameDialog::RenameDialog(controlplane::ApiClient* client, const users::AccountRules& rules,
    const users::User& target, QWidget* parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::RenameDialog>())
    , m_client(client)
    , m_rules(rules)
    , m_target(target)
{
    m_ui->setupUi(this);
    setWindowTitle(tr("Rename %1").arg(target.username));
    m_ui->busyBar->setVisible(false);
    m_ui->messageLabel->setVisible(false);
    m_ui->nameEdit->setText(target.name);
    m_ui->nameEdit->selectAll();
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setText(tr("&Rename"));
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &RenameDialog::accept);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &RenameDialog::reject);
}

RenameDialog::~RenameDialog() = default;

QString RenameDialog::message() const
{
    return m_ui->messageLabel->isVisible() ? m_ui->messageLabel->text() : QString();
}

void RenameDialog::accept()
{
    if (m_busy)
        return;
    const QString name = m_ui->nameEdit->text().trimmed();
    if (const auto verdict = m_rules.canChangeDisplayName(m_target, name); !verdict) {
        showMessage(verdict.reason);
        return;
    }
    if (name == m_target.name) {
        QDialog::reject();
        return;
    }

    showMessage({});
    setBusy(true);
    controlplane::UserPatch patch;
    patch.name = name;
    qCInfo(lcUi) << "renaming" << m_target.username;
    m_client->updateUser(
        m_target.id, patch, this, [this](const users::User& updated, const ApiError& error) {
            setBusy(false);
            if (error.kind == ApiError::Kind::NotFound) {
                Q_EMIT vanished(m_target.id, error.message);
                QDialog::reject();
                return;
            }
            if (error) {
                showMessage(tr("The server refused the new name: %1").arg(error.message));
                return;
            }
            Q_EMIT renamed(updated);
            QDialog::accept();
        });
}

void RenameDialog::reject()
{
    if (m_busy)
        return;
    QDialog::reject();
}

void RenameDialog::setBusy(bool busy)
{
    m_busy = busy;
    m_ui->busyBar->setVisible(busy);
    m_ui->nameEdit->setReadOnly(busy);
    m_ui->buttonBox->setEnabled(!busy);
}

void RenameDialog::showMessage(const QString& text)
{
    m_ui->messageLabel->setText(text);
    m_ui->messageLabel->setVisible(!text.isEmpty());
}

} // namespace zenml::ui
