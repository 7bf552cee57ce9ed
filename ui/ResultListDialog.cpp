#include "ResultListDialog.h"

#include "ui_ResultListDialog.h"

#include <QHeaderView>

#include <algorithm>

namespace zenml::ui {

ResultListDialog::ResultListDialog(
    const QString& title, const QList<Outcome>& outcomes, QWidget* parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::ResultListDialog>())
{
    m_ui->setupUi(this);
    setWindowTitle(title);

    QList<Outcome> ordered = outcomes;
    std::stable_sort(ordered.begin(), ordered.end(),
        [](const Outcome& a, const Outcome& b) { return !a.succeeded && b.succeeded; });
    const auto failed = std::count_if(
        outcomes.cbegin(), outcomes.cend(), [](const Outcome& o) { return !o.succeeded; });

    for (const Outcome& outcome : ordered) {
        auto* item = new QTreeWidgetItem(m_ui->resultTree, { outcome.username, outcome.text });
        item->setIcon(0,
            style()->standardIcon(
                outcome.succeeded ? QStyle::SP_DialogApplyButton : QStyle::SP_MessageBoxWarning));
    }
    m_ui->resultTree->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);

    if (failed == 0)
        m_ui->summaryLabel->setText(tr("All %1 accounts done.").arg(outcomes.size()));
    else
        m_ui->summaryLabel->setText(tr("%1 of %2 accounts failed; the others are done. Each "
                                       "row says what happened.")
                                        .arg(failed)
                                        .arg(outcomes.size()));
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &QDialog::accept);
}

ResultListDialog::~ResultListDialog() = default;

QString ResultListDialog::summary() const
{
    return m_ui->summaryLabel->text();
}

} // namespace zenml::ui
