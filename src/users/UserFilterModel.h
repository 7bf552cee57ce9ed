#pragma once

#include <QSortFilterProxyModel>

namespace zenml::users {

class UserTableModel;

// Search across username, name and e-mail (case-insensitive substring), and sorting on any
// column, between UserTableModel and the view.
class UserFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UserFilterModel)

public:
    explicit UserFilterModel(QObject* parent = nullptr);

    void setSourceModel(QAbstractItemModel* sourceModel) override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    // Surrounding whitespace is ignored; an empty text shows every row.
    void setSearchText(const QString& text);
    QString searchText() const { return m_searchText; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& sourceLeft, const QModelIndex& sourceRight) const override;

private:
    bool sortsOnRanks() const;

    QString m_searchText; // case-folded
    // Set when the source is a UserTableModel, whose cached text is read directly.
    const UserTableModel* m_users = nullptr;
    QList<QMetaObject::Connection> m_sourceConnections;
    bool m_sortAfterInsert = false;
    bool m_sortRoleIsRanked = true; // sortRole() is UserTableModel::SortRole
};

} // namespace zenml::users
