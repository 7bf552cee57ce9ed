#include "UserFilterModel.h"

#include "UserTableModel.h"

namespace zenml::users {

UserFilterModel::UserFilterModel(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(UserTableModel::SortRole);
    setFilterRole(UserTableModel::SearchTextRole);
    setDynamicSortFilter(true);
}

void UserFilterModel::setSourceModel(QAbstractItemModel* sourceModel)
{
    m_users = qobject_cast<const UserTableModel*>(sourceModel);
    QSortFilterProxyModel::setSourceModel(sourceModel);
}

void UserFilterModel::setSearchText(const QString& text)
{
    const QString folded = text.trimmed().toCaseFolded();
    if (folded == m_searchText)
        return;
    m_searchText = folded;
    invalidateFilter();
}

bool UserFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (m_searchText.isEmpty())
        return true;

    // Both sides are already case-folded, so a plain comparison is a case-insensitive one.
    if (m_users && !sourceParent.isValid())
        return m_users->searchTextAt(sourceRow).contains(m_searchText, Qt::CaseSensitive);

    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    return sourceModel()
        ->data(index, UserTableModel::SearchTextRole)
        .toString()
        .contains(m_searchText, Qt::CaseSensitive);
}

bool UserFilterModel::lessThan(const QModelIndex& sourceLeft, const QModelIndex& sourceRight) const
{
    if (m_users && sortRole() == UserTableModel::SortRole)
        return m_users->lessThan(sourceLeft.row(), sourceRight.row(), sourceLeft.column());
    return QSortFilterProxyModel::lessThan(sourceLeft, sourceRight);
}

} // namespace zenml::users
