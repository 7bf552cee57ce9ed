#include "UserFilterModel.h"

#include "UserTableModel.h"

namespace zenml::users {

UserFilterModel::UserFilterModel(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(UserTableModel::SortRole);
    setFilterRole(UserTableModel::SearchTextRole);
    setDynamicSortFilter(true);
    // Kept in a flag: lessThan() runs millions of times per sort of 100,000 rows.
    connect(this, &QSortFilterProxyModel::sortRoleChanged, this,
        [this](int role) { m_sortRoleIsRanked = role == UserTableModel::SortRole; });
}

void UserFilterModel::setSourceModel(QAbstractItemModel* sourceModel)
{
    for (const QMetaObject::Connection& connection : std::as_const(m_sourceConnections))
        disconnect(connection);
    m_sourceConnections.clear();
    m_sortAfterInsert = false;
    m_users = qobject_cast<const UserTableModel*>(sourceModel);

    // Connected before the base class connects its own handlers, so that these run first.
    if (m_users) {
        // The ranks are ready when the base class sorts the new rows: a refresh of 100,000
        // rows then compares integers.
        m_sourceConnections << connect(m_users, &QAbstractItemModel::modelReset, this, [this] {
            if (sortsOnRanks())
                m_users->prepareSortKeys(sortColumn());
        });
        // A page of rows is placed as one block at the end and then sorted in one go. The base
        // class would find each row's place and announce every run of rows on its own, which
        // costs a pass over every row of the view per run: seconds at 100,000 rows.
        m_sourceConnections << connect(m_users, &QAbstractItemModel::rowsAboutToBeInserted, this,
            [this](const QModelIndex& parent, int first, int last) {
                constexpr int kBlockRows = 32;
                if (!parent.isValid() && last - first + 1 >= kBlockRows && sortsOnRanks()
                    && dynamicSortFilter()) {
                    m_sortAfterInsert = true;
                    setDynamicSortFilter(false);
                }
            });
    }
    QSortFilterProxyModel::setSourceModel(sourceModel);
    if (m_users) {
        // Connected after the base class: the rows are in, at the end; sorting again now
        // merges them in by their ranks.
        m_sourceConnections << connect(m_users, &QAbstractItemModel::rowsInserted, this, [this] {
            if (!m_sortAfterInsert)
                return;
            m_sortAfterInsert = false;
            m_users->prepareSortKeys(sortColumn());
            setDynamicSortFilter(true);
        });
    }
}

bool UserFilterModel::sortsOnRanks() const
{
    return m_users && sortColumn() >= 0 && m_sortRoleIsRanked;
}

void UserFilterModel::sort(int column, Qt::SortOrder order)
{
    if (m_users && column >= 0 && m_sortRoleIsRanked)
        m_users->prepareSortKeys(column);
    QSortFilterProxyModel::sort(column, order);
}

void UserFilterModel::setSearchText(const QString& text)
{
    const QString folded = text.trimmed().toCaseFolded();
    if (folded == m_searchText)
        return;
    m_searchText = folded;
    // One layout change instead of a signal per run of hidden or shown rows, which a view of
    // 100,000 rows pays for run by run; the rows shown are then sorted again, on ranks.
    if (sortsOnRanks())
        m_users->prepareSortKeys(sortColumn());
    invalidate();
}

bool UserFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (m_searchText.isEmpty())
        return true;

    if (m_users && !sourceParent.isValid())
        return m_users->searchTextContains(sourceRow, m_searchText);

    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    return sourceModel()
        ->data(index, UserTableModel::SearchTextRole)
        .toString()
        .contains(m_searchText, Qt::CaseSensitive);
}

bool UserFilterModel::lessThan(const QModelIndex& sourceLeft, const QModelIndex& sourceRight) const
{
    if (m_users && m_sortRoleIsRanked)
        return m_users->lessThan(sourceLeft.row(), sourceRight.row(), sourceLeft.column());
    return QSortFilterProxyModel::lessThan(sourceLeft, sourceRight);
}

} // namespace zenml::users
