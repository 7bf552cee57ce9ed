#pragma once

#include "User.h"
#include "UserRow.h"

#include <QAbstractTableModel>
#include <QHash>

#include <optional>
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

    // Without the base class's virtual row and column counts: the proxy asks for an index at
    // every comparison while it sorts 100,000 rows.
    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

    // Which row holds an id. Keyed by the id's hash, so that growing it never reads the
    // strings again (a QHash of 65,536 strings takes tens of milliseconds to grow, a pause
    // the window would show); ids whose hashes collide go to a second, ordinary hash.
    class IdIndex
    {
    public:
        void reserve(qsizetype rows) { m_byHash.reserve(rows); }
        void insert(QStringView id, int row);
        int find(QStringView id, const QList<UserRow>& rows) const; // -1 when absent
        void remove(QStringView id, int row);
        // After the row `removedRow` was removed: every later row moves up by one.
        void rowRemoved(int removedRow);

    private:
        QHash<size_t, int> m_byHash;
        QHash<QString, int> m_collided;
    };

    // Everything the model holds, built in one piece by buildContents() on any thread (~90 ms
    // for 100,000 rows, most of it ranking them) and swapped in by adoptContents() in one
    // reset.
    struct Contents
    {
        QList<UserRow> rows;
        IdIndex rowById;
        int rankColumn = -1;
        std::vector<int> rank; // by rankColumn, as prepareSortKeys() ranks
    };
    // Pages in order; a duplicate id keeps its first position and its latest values. Ranks
    // the rows by `sortColumn` too (none when it is -1), as the model would.
    static Contents buildContents(QList<PreparedUsers> pages, int sortColumn,
        const QString& reservedAdminUsername = User::defaultReservedAdminUsername());
    void adoptContents(Contents contents);

    // One model reset.
    void clear();
    void resetUsers(const UserList& users);
    // One row insertion for the whole batch. A user whose id is already present replaces
    // that row instead (offset paging can deliver an account twice while others change it).
    void appendPrepared(const PreparedUsers& users);
    void appendUsers(const UserList& users) { appendPrepared(PreparedUsers::prepare(users)); }
    // Replaces the row with the same id, or appends it.
    void upsertUser(const User& user);
    bool removeUser(const QString& id);

    int rowOfId(const QString& id) const; // -1 when absent
    // Rows are kept packed (see UserRow): these unpack, so ask for what is needed.
    User userAt(int row) const;
    UserList users() const; // every row: costly on 100,000
    UserList superusers() const;
    // The account other than the one with id `exceptId` whose username is the same as
    // `username` (see users::sameUsername): one pass over the rows.
    std::optional<User> userWithUsername(const QString& username, const QString& exceptId) const;

    // Direct access for UserFilterModel, which filters and sorts 100,000 rows without
    // building a QVariant per row. `foldedText` must be case-folded already.
    bool searchTextContains(int row, const QString& foldedText) const;
    bool lessThan(int leftRow, int rightRow, int column) const
    {
        // Inline: a sort of 100,000 rows asks this nearly two million times.
        if (ranksCurrent(column))
            return m_rank[column][size_t(leftRow)] < m_rank[column][size_t(rightRow)];
        return compareRows(leftRow, rightRow, column) < 0;
    }
    // Ranks every row by `column` (ties broken by username) so that lessThan() on that
    // column compares two integers until the rows change. Worth it before sorting every row
    // (a sort or a filter change); not while pages are appended one by one.
    void prepareSortKeys(int column) const;

    void setReservedAdminUsername(const QString& username);
    QString reservedAdminUsername() const { return m_reservedAdminUsername; }

private:
    bool ranksCurrent(int column) const
    {
        return column >= 0 && column < ColumnCount && m_rankStructure[column] == m_structureVersion
            && m_rankedRows[column] == m_rows.size();
    }
    void replaceRow(int row, const User& user);
    int compareRows(int leftRow, int rightRow, int column) const;
    // Any change but a pure append also invalidates the ranks; after an append they extend.
    void rowsChanged(bool appendOnly = false)
    {
        if (!appendOnly)
            ++m_structureVersion;
    }

    QList<UserRow> m_rows;
    IdIndex m_rowById;
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
