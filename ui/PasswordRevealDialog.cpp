#include "PasswordRevealDialog.h"

#include "SecretClipboard.h"
#include "ui_PasswordRevealDialog.h"

#include <QCloseEvent>
#include <QFontDatabase>
#include <QPushButton>

namespace zenml::ui {

PasswordRevealDialog::PasswordRevealDialog(
    const QString& username, const QString& password, const QString& intro, QWidget* parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::PasswordRevealDialog>())
    , m_password(password)
{
    m_ui->setupUi(this);
    setWindowTitle(tr("Password for %1").arg(username));
    m_ui->introLabel->setText(intro);
    m_ui->passwordEdit->setText(password);
    m_ui->passwordEdit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_ui->passwordEdit->setCursorPosition(0);
    m_ui->clipboardLabel->setVisible(false);

    QPushButton* close = m_ui->buttonBox->button(QDialogButtonBox::Close);
    close->setEnabled(false);
    close->setToolTip(tr("Confirm first that you have recorded the password."));
    connect(m_ui->recordedCheck, &QCheckBox::toggled, close, &QWidget::setEnabled);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_ui->copyButton, &QPushButton::clicked, this, &PasswordRevealDialog::copy);
    m_ui->copyButton->setFocus();
}

PasswordRevealDialog::~PasswordRevealDialog() = default;

bool PasswordRevealDialog::isConfirmed() const
{
    return m_ui->recordedCheck->isChecked();
}

void PasswordRevealDialog::done(int result)
{
    if (!isConfirmed()) {
        remindToConfirm();
        return;
    }
    QDialog::done(result);
}

void PasswordRevealDialog::closeEvent(QCloseEvent* event)
{
    if (!isConfirmed()) {
        remindToConfirm();
        event->ignore();
        return;
    }
    QDialog::closeEvent(event);
}

void PasswordRevealDialog::copy()
{
    copySecretToClipboard(m_password);
    m_ui->clipboardLabel->setText(
        tr("Copied. The clipboard will be cleared in 30 seconds if it still holds the password."));
    m_ui->clipboardLabel->setVisible(true);
}

void PasswordRevealDialog::remindToConfirm()
{
    m_ui->recordedCheck->setStyleSheet(QStringLiteral("font-weight: bold"));
    m_ui->recordedCheck->setFocus();
}

} // namespace zenml::ui
