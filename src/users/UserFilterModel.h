#pragma once

#include <QSortFilterProxyModel>

namespace zenml::users {

// Search across username, name and e-mail (case-insensitive substring), and sorting on any
// column, between UserTableModel and the view.
class UserFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UserFilterModel)

public:
    explicit UserFilterModel(QObject* parent = nullptr);

    void setSearchText(const QString& text);
    QString searchText() const { return m_searchText; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_searchText; // case-folded
};

} // namespace zenml::users
