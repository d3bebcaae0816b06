//! What an integration user holds: the union of its profile, its permission sets and the members of
//! its permission set groups (minus what each group's muting permission set mutes), with the
//! implications Salesforce applies (Modify All implies every object permission, View All Data and
//! Modify All Data imply object access but never field-level security, Edit implies Read).

use rustc_hash::FxHashMap;

use super::user::{Holdings, Member};
use super::{FieldPermission, ObjectAccess, ObjectFlag, ObjectPermission};
use crate::catalog::Catalog;
use crate::source::Span;

impl Member<'_> {
    fn muted(&self) -> Option<&super::Grants> {
        self.muting
            .and_then(super::Component::permissions)
            .map(|muting| &muting.grants)
    }

    /// Whether the group that contributes this member mutes the user permission.
    pub fn mutes_permission(&self, name: &str) -> bool {
        self.muted()
            .is_some_and(|muted| muted.has_user_permission(name))
    }

    /// The flags of one of this member's object entries that its group's muting leaves.
    pub fn unmuted_object(&self, entry: &ObjectPermission) -> ObjectAccess {
        match self
            .muted()
            .and_then(|muted| muted.object_permission(&entry.object.value))
        {
            Some(muted) => entry.access.minus(muted_closure(muted.access)),
            None => entry.access,
        }
    }

    /// (readable, editable) of one of this member's field entries after its group's muting; muting
    /// Read mutes Edit, which depends on it.
    pub fn unmuted_field(&self, entry: &FieldPermission) -> (bool, bool) {
        match self
            .muted()
            .and_then(|muted| muted.field_permission(&entry.field.value))
        {
            Some(muted) => (
                entry.readable && !muted.readable,
                entry.editable && !muted.readable && !muted.editable,
            ),
            None => (entry.readable, entry.editable),
        }
    }
}

/// What muting `flags` takes away: a muted flag also mutes every flag that depends on it, or the
/// implications in [`implied`] would give it back (Edit implies Read, so muting Read alone while
/// Edit stays would otherwise leave Read in place).
pub fn muted_closure(flags: ObjectAccess) -> ObjectAccess {
    let mut muted = flags;
    if muted.contains(ObjectFlag::Read) {
        muted = muted.union(ObjectAccess::of(&[
            ObjectFlag::Create,
            ObjectFlag::Edit,
            ObjectFlag::Delete,
            ObjectFlag::ViewAll,
            ObjectFlag::ModifyAll,
        ]));
    }
    if muted.contains(ObjectFlag::Edit) {
        muted = muted.union(ObjectAccess::of(&[
            ObjectFlag::Delete,
            ObjectFlag::ModifyAll,
        ]));
    }
    if muted.contains(ObjectFlag::Delete) || muted.contains(ObjectFlag::ViewAll) {
        muted.insert(ObjectFlag::ModifyAll);
    }
    muted
}

/// A place where something is granted: which member and where in its files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GrantRef {
    pub member: usize,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct FieldGrant {
    pub readable: bool,
    pub editable: bool,
}

/// The effective access of a set of members.
#[derive(Debug, Clone, Default)]
pub struct Access<'a> {
    // Keys borrow the members' names: an admin profile lists thousands of fields.
    pub user_permissions: FxHashMap<&'a str, Vec<GrantRef>>,
    /// Per object, the union of the flags written (before implications).
    pub objects: FxHashMap<&'a str, ObjectAccess>,
    pub fields: FxHashMap<&'a str, FieldGrant>,
    pub record_types: FxHashMap<&'a str, Vec<GrantRef>>,
}

impl<'a> Access<'a> {
    /// The access of the members `include` selects (by index into `holdings.members`).
    pub fn of(holdings: &Holdings<'a>, include: impl Fn(usize, &Member<'a>) -> bool) -> Access<'a> {
        let mut access = Access::default();
        // An admin profile lists hundreds of thousands of fields: the maps are sized once for
        // every entry of the members included, rather than grown (each growth rehashes them all).
        let mut sizes = [0usize; 4];
        for (index, member) in holdings.members.iter().enumerate() {
            if let Some(container) = member.component.permissions()
                && include(index, member)
            {
                let grants = &container.grants;
                sizes[0] += grants.user_permissions.len();
                sizes[1] += grants.object_permissions.len();
                sizes[2] += grants.field_permissions.len();
                sizes[3] += grants.record_type_visibilities.len();
            }
        }
        access.user_permissions.reserve(sizes[0]);
        access.objects.reserve(sizes[1]);
        access.fields.reserve(sizes[2]);
        access.record_types.reserve(sizes[3]);
        for (index, member) in holdings.members.iter().enumerate() {
            if !include(index, member) {
                continue;
            }
            let Some(container) = member.component.permissions() else {
                continue;
            };
            let grants = &container.grants;
            for permission in grants.user_permissions.iter().filter(|p| p.enabled) {
                let name = permission.name.value.as_str();
                if member.mutes_permission(name) {
                    continue;
                }
                access
                    .user_permissions
                    .entry(name)
                    .or_default()
                    .push(GrantRef {
                        member: index,
                        span: permission.name.span,
                    });
            }
            for entry in &grants.object_permissions {
                let written = member.unmuted_object(entry);
                let grant = access
                    .objects
                    .entry(entry.object.value.as_str())
                    .or_default();
                *grant = grant.union(written);
            }
            for entry in &grants.field_permissions {
                let (readable, editable) = member.unmuted_field(entry);
                let grant = access.fields.entry(entry.field.value.as_str()).or_default();
                grant.readable |= readable || editable;
                grant.editable |= editable;
            }
            for entry in grants.record_type_visibilities.iter().filter(|e| e.visible) {
                access
                    .record_types
                    .entry(entry.record_type.value.as_str())
                    .or_default()
                    .push(GrantRef {
                        member: index,
                        span: entry.record_type.span,
                    });
            }
        }
        access
    }

    pub fn permission(&self, name: &str) -> Option<&GrantRef> {
        self.user_permissions
            .get(name)
            .and_then(|refs| refs.first())
    }

    pub fn has_permission(&self, name: &str) -> bool {
        self.permission(name).is_some()
    }

    /// Object access after Salesforce's implications. Task and Event carry no object permissions:
    /// their access follows user permissions (`EditTask`, `EditEvent`).
    pub fn object_access(&self, object: &str, catalog: &Catalog) -> ObjectAccess {
        if let Some(implied) = catalog.implied_object_access(object) {
            let mut access = ObjectAccess::NONE;
            if implied.readable {
                access.insert(ObjectFlag::Read);
            }
            if implied
                .edit_permission
                .is_some_and(|permission| self.has_permission(permission))
            {
                access.insert(ObjectFlag::Read);
                access.insert(ObjectFlag::Edit);
            }
            return access;
        }
        let written = self
            .objects
            .get(object)
            .copied()
            .unwrap_or(ObjectAccess::NONE);
        let mut access = implied(written);
        // Modify All Data and View All Data imply object permissions, never field-level security
        // nor View All Fields (`org_wide_access` in the catalog).
        for org_wide in catalog.org_wide_access() {
            if self.has_permission(&org_wide.permission) {
                access = access.union(ObjectAccess::of(&org_wide.access));
            }
        }
        access
    }

    /// Field access (readable, editable) after implications: Edit implies Read, View All Fields on
    /// the object implies Read, required or system fields (which carry no field permissions)
    /// follow the object's access, and a field whose field-level security is set on another field
    /// (an address part, a person account field) has that field's.
    pub fn field_access(&self, field: &str, catalog: &Catalog) -> (bool, bool) {
        let object = super::object_of(field);
        let object_access = self.object_access(object, catalog);
        if catalog.field_without_permissions(field) {
            return (
                object_access.contains(ObjectFlag::Read),
                object_access.contains(ObjectFlag::Edit),
            );
        }
        // An address part or a person account field takes the field-level security of another
        // field (the compound address, the Contact field).
        let governing = catalog.field_security_field(field);
        let (mut readable, editable) = self
            .fields
            .get(governing.as_str())
            .map_or((false, false), |grant| (grant.readable, grant.editable));
        if catalog.object_without_permissions(object).is_some()
            && catalog.implied_object_access(object).is_none()
        {
            // No object permission exists to gate the field: its own security decides.
            return (readable, editable);
        }
        readable |= object_access.contains(ObjectFlag::ViewAllFields);
        // Field-level security only takes effect where the object itself is accessible.
        (
            readable && object_access.contains(ObjectFlag::Read),
            editable && object_access.contains(ObjectFlag::Edit),
        )
    }

    pub fn record_type_visible(&self, record_type: &str) -> bool {
        self.record_types.contains_key(record_type)
    }
}

/// Closes written object flags under the dependencies Salesforce applies.
pub fn implied(written: ObjectAccess) -> ObjectAccess {
    let mut access = written;
    if access.contains(ObjectFlag::ModifyAll) {
        access = access.union(ObjectAccess::of(&[
            ObjectFlag::Read,
            ObjectFlag::Create,
            ObjectFlag::Edit,
            ObjectFlag::Delete,
            ObjectFlag::ViewAll,
        ]));
    }
    if access.contains(ObjectFlag::Delete) {
        access = access.union(ObjectAccess::of(&[ObjectFlag::Read, ObjectFlag::Edit]));
    }
    for flag in [ObjectFlag::Create, ObjectFlag::Edit, ObjectFlag::ViewAll] {
        if access.contains(flag) {
            access.insert(ObjectFlag::Read);
        }
    }
    access
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modify_all_implies_everything_but_view_all_fields() {
        let access = implied(ObjectAccess::of(&[ObjectFlag::ModifyAll]));
        for flag in [
            ObjectFlag::Read,
            ObjectFlag::Create,
            ObjectFlag::Edit,
            ObjectFlag::Delete,
            ObjectFlag::ViewAll,
        ] {
            assert!(access.contains(flag), "{flag:?}");
        }
        assert!(!access.contains(ObjectFlag::ViewAllFields));
        assert!(implied(ObjectAccess::of(&[ObjectFlag::Edit])).contains(ObjectFlag::Read));
    }

    #[test]
    fn muting_read_leaves_nothing_that_would_imply_it_again() {
        let granted = ObjectAccess::of(&[ObjectFlag::Read, ObjectFlag::Edit, ObjectFlag::ViewAll]);
        let left = granted.minus(muted_closure(ObjectAccess::of(&[ObjectFlag::Read])));
        assert!(!implied(left).contains(ObjectFlag::Read), "{left:?}");
        let left = granted.minus(muted_closure(ObjectAccess::of(&[ObjectFlag::Edit])));
        assert_eq!(
            implied(left),
            ObjectAccess::of(&[ObjectFlag::Read, ObjectFlag::ViewAll])
        );
    }
}
