#pragma once

#include <QDialog>
#include <QList>

#include <memory>

namespace Ui {
class ResultListDialog;
}

namespace zenml::ui {

// The outcome of an operation on several accounts, one line each: failures are listed first
// and never folded away.
class ResultListDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResultListDialog)

public:
    struct Outcome
    {
        QString username;
        bool succeeded = false;
        QString text;
    };

    ResultListDialog(
        const QString& title, const QList<Outcome>& outcomes, QWidget* parent = nullptr);
    ~ResultListDialog() override;

    QString summary() const;

private:
    std::unique_ptr<Ui::ResultListDialog> m_ui;
};

} // namespace zenml::ui
