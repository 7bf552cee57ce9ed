#include "ConfirmDeleteDialog.h"

#include "ui_ConfirmDeleteDialog.h"

#include <QPushButton>

namespace zenml::ui {

ConfirmDeleteDialog::ConfirmDeleteDialog(const users::UserList& targets, QWidget* parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::ConfirmDeleteDialog>())
{
    m_ui->setupUi(this);
    const QString resourcesStay
        = tr("Pipelines, models and other resources the user created are not deleted: they stay "
             "in the workspaces. The account itself cannot be restored.");

    if (targets.size() == 1) {
        const users::User& user = targets.first();
        m_expected = user.username;
        setWindowTitle(tr("Delete %1").arg(user.username));
        const QString who = user.name.isEmpty()
            ? user.username.toHtmlEscaped()
            : tr("%1 (%2)").arg(user.username.toHtmlEscaped(), user.name.toHtmlEscaped());
        m_ui->warningLabel->setText(
            tr("<p>Delete the account <b>%1</b>?</p><p>%2</p>").arg(who, resourcesStay));
        m_ui->promptLabel->setText(
            tr("Type the username <b>%1</b> to confirm:").arg(user.username.toHtmlEscaped()));
    } else {
        m_expected = QString::number(targets.size());
        setWindowTitle(tr("Delete %1 users").arg(targets.size()));
        QStringList names;
        for (qsizetype i = 0; i < targets.size() && i < 10; ++i)
            names << targets.at(i).username.toHtmlEscaped();
        if (targets.size() > 10)
            names << tr("and %1 more").arg(targets.size() - 10);
        m_ui->warningLabel->setText(
            tr("<p>Delete these %1 accounts?</p><p>%2</p><p>%3</p>")
                .arg(m_expected, names.join(QStringLiteral(", ")), resourcesStay));
        m_ui->promptLabel->setText(
            tr("Type the number of accounts, <b>%1</b>, to confirm:").arg(m_expected));
    }

    QPushButton* ok = m_ui->buttonBox->button(QDialogButtonBox::Ok);
    ok->setText(tr("&Delete"));
    ok->setEnabled(false);
    // Enter in the field must not delete by accident before the text matches.
    ok->setAutoDefault(false);
    ok->setDefault(false);
    m_ui->buttonBox->button(QDialogButtonBox::Cancel)->setDefault(true);
    connect(m_ui->confirmEdit, &QLineEdit::textChanged, this,
        [this, ok](const QString& text) { ok->setEnabled(text == m_expected); });
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, [this] {
        if (m_ui->confirmEdit->text() == m_expected)
            accept();
    });
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &QDialog::reject);
    m_ui->confirmEdit->setFocus();
}

ConfirmDeleteDialog::~ConfirmDeleteDialog() = default;

} // namespace zenml::ui
