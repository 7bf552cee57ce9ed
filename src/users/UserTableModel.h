#pragma once

#include "User.h"

#include <QAbstractTableModel>
#include <QHash>

#include <vector>

namespace zenml::users {

// Every user account loaded from the server, one row each, in arrival order. Sorting and
// filtering happen in UserFilterModel above it.
class UserTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UserTableModel)

public:
    enum Column
    {
        UsernameColumn,
        NameColumn,
        EmailColumn,
        KindColumn,
        SuperuserColumn,
        ActiveColumn,
        MustChangePasswordColumn,
        ColumnCount
    };

    enum Role
    {
        UserIdRole = Qt::UserRole + 1, // QString id of the row's account
        SortRole, // a value that sorts naturally (bools as 0/1, text case-folded)
        SearchTextRole, // username, name and e-mail joined, case-folded
    };

    explicit UserTableModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

    // One model reset.
    void clear();
    void resetUsers(const UserList& users);
    // One row insertion for the whole batch. A user whose id is already present replaces
    // that row instead (offset paging can deliver an account twice while others change it).
    void appendUsers(const UserList& users);
    // Replaces the row with the same id, or appends it.
    void upsertUser(const User& user);
    bool removeUser(const QString& id);

    int rowOfId(const QString& id) const; // -1 when absent
    const User& userAt(int row) const;
    const UserList& users() const { return m_users; }

    // Direct access for UserFilterModel, which filters and sorts 100,000 rows without
    // building a QVariant per row.
    const QString& searchTextAt(int row) const { return m_cache.at(row).searchText; }
    bool lessThan(int leftRow, int rightRow, int column) const;
    // Ranks every row by `column` (ties broken by username) so that lessThan() on that
    // column compares two integers until the rows change. Worth it before sorting every row
    // (a sort or a filter change); not while pages are appended one by one.
    void prepareSortKeys(int column) const;

    void setReservedAdminUsername(const QString& username);
    QString reservedAdminUsername() const { return m_reservedAdminUsername; }

private:
    // Derived from a User once, when it arrives, so that data() and the filter never
    // case-fold or concatenate on the hot path.
    struct RowCache
    {
        QString searchText;
        QString foldedUsername;
        QString foldedName;
        QString foldedEmail;
        AccountKind kind = AccountKind::Local;
    };

    RowCache cacheFor(const User& user) const;
    void replaceRow(int row, const User& user);
    int compareRows(int leftRow, int rightRow, int column) const;
    // Any change but a pure append also invalidates the ranks; after an append they extend.
    void rowsChanged(bool appendOnly = false)
    {
        if (!appendOnly)
            ++m_structureVersion;
    }

    UserList m_users;
    QList<RowCache> m_cache; // parallel to m_users
    QHash<QString, int> m_rowById;
    QString m_reservedAdminUsername = User::defaultReservedAdminUsername();
    QString m_yes;
    QString m_no;
    QString m_kindLabels[4];
    QString m_foldedKindLabels[4];

    // Sort ranks per column: they stand for the first m_rankedRows[column] rows while
    // m_rankStructure[column] == m_structureVersion.
    quint64 m_structureVersion = 1;
    mutable std::vector<int> m_rank[ColumnCount];
    mutable quint64 m_rankStructure[ColumnCount] = {};
    mutable int m_rankedRows[ColumnCount] = {};
};

} // namespace zenml::users
