"""The initial ledger schema: agencies, applications and their events, appeals, proactive items with review
chains and publications, registers of table 二, stored reports.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('agencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('normalized_name', sa.String(length=200), nullable=False),
    sa.Column('abbreviation', sa.String(length=40), nullable=True),
    sa.Column('kind', sa.Enum('township', 'county_department', 'county_government', 'city_department', 'city_government', 'other', name='agencykind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('region', sa.String(length=100), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('email_rule', sa.Enum('system_received', 'both_confirmed', name='emailrule', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('exclude_fee_wait', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['agencies.id'], name=op.f('fk_agencies_parent_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agencies')),
    sa.UniqueConstraint('normalized_name', name=op.f('uq_agencies_normalized_name'))
    )
    op.create_table('application_counters',
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_application_counters_agency_id_agencies')),
    sa.PrimaryKeyConstraint('agency_id', 'year', name=op.f('pk_application_counters'))
    )
    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('number_year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('applicant_type', sa.Enum('natural_person', 'business', 'research', 'nonprofit', 'legal_service', 'other_org', name='applicanttype', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('applicant_name', sa.Text(), nullable=False),
    sa.Column('id_document_type', sa.Enum('resident_id', 'passport', 'hk_macao_permit', 'taiwan_permit', 'credit_code', 'other', name='iddocumenttype', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('id_document', sa.Text(), nullable=True),
    sa.Column('phone', sa.Text(), nullable=True),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('applicant_digest', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.Enum('IN_PERSON', 'POST', 'ORDINARY_LETTER', 'INTERNET', 'FAX', 'EMAIL', name='channel', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('handed_in', sa.Date(), nullable=True),
    sa.Column('signed_for', sa.Date(), nullable=True),
    sa.Column('arrived', sa.Date(), nullable=True),
    sa.Column('confirmed', sa.Date(), nullable=True),
    sa.Column('system_received', sa.Date(), nullable=True),
    sa.Column('given_received', sa.Date(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('information', sa.Text(), nullable=False),
    sa.Column('form_wanted', sa.Enum('paper', 'electronic', 'other', name='formwanted', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('delivery', sa.Enum('post', 'email', 'pickup', 'online', 'fax', name='delivery', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('deadline_state', sa.Enum('due', 'provisional', 'suspended', 'awaiting_correction', 'closed', name='deadlinestate', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('due_not_before', sa.Date(), nullable=True),
    sa.Column('calendar_fingerprint', sa.String(length=64), nullable=True),
    sa.Column('deadline_computed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=40), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("outcome IN ('granted', 'partially_granted', 'withheld.state_secret', 'withheld.prohibited_by_law', 'withheld.security_stability', 'withheld.third_party', 'withheld.internal_affairs', 'withheld.deliberative', 'withheld.enforcement_file', 'withheld.query_service', 'unavailable.not_held', 'unavailable.needs_creation', 'unavailable.unclear', 'not_processed.petition', 'not_processed.duplicate', 'not_processed.publication', 'not_processed.excessive', 'not_processed.confirmation', 'other.no_correction', 'other.fee_unpaid', 'other.other')", name=op.f('ck_applications_outcome_row')),
    sa.CheckConstraint('(closed_on IS NULL AND outcome IS NULL) OR (closed_on IS NOT NULL AND outcome IS NOT NULL)', name=op.f('ck_applications_closed_with_outcome')),
    sa.CheckConstraint('closed_on IS NULL OR closed_on >= received_on', name=op.f('ck_applications_closed_after_received')),
    sa.CheckConstraint('seq > 0', name=op.f('ck_applications_seq_positive')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_applications_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('agency_id', 'number_year', 'seq', name=op.f('uq_applications_agency_id_number_year_seq')),
    sa.UniqueConstraint('id', 'agency_id', name=op.f('uq_applications_id_agency_id'))
    )
    op.create_index(op.f('ix_applications_applicant_digest'), 'applications', ['applicant_digest'], unique=False)
    op.create_index('ix_applications_open', 'applications', ['agency_id', 'closed_on', 'due_on'], unique=False)
    op.create_index('ix_applications_report', 'applications', ['agency_id', 'received_on', 'closed_on', 'applicant_type', 'outcome', 'channel', 'due_on'], unique=False)

    op.create_table('proactive_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('category', sa.Integer(), nullable=False),
    sa.Column('local_category', sa.String(length=100), nullable=True),
    sa.Column('document_number', sa.String(length=100), nullable=True),
    sa.Column('formed_on', sa.Date(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('category >= 1 AND category <= 15', name=op.f('ck_proactive_items_article_20_item')),
    sa.CheckConstraint('published_on IS NULL OR published_on >= formed_on', name=op.f('ck_proactive_items_published_after_formed')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_proactive_items_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proactive_items')),
    sa.UniqueConstraint('id', 'agency_id', name=op.f('uq_proactive_items_id_agency_id'))
    )
    op.create_index('ix_proactive_items_published', 'proactive_items', ['agency_id', 'published_on'], unique=False)

    op.create_table('register_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('regulations', 'normative_documents', name='registerdocumentkind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('document_number', sa.String(length=100), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('repealed_on', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('repealed_on IS NULL OR repealed_on >= issued_on', name=op.f('ck_register_documents_repealed_after_issued')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_register_documents_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_documents')),
    sa.UniqueConstraint('agency_id', 'kind', 'title', 'issued_on', name=op.f('uq_register_documents_agency_id_kind_title_issued_on'))
    )
    op.create_index('ix_register_documents_dates', 'register_documents', ['agency_id', 'kind', 'issued_on', 'repealed_on'], unique=False)

    op.create_table('register_tallies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('item', sa.Enum('licensing', 'punishment', 'coercion', 'fees', name='tallyitem', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('decisions', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=14, scale=4), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(item = 'fees' AND amount IS NOT NULL AND decisions IS NULL) OR (item <> 'fees' AND decisions IS NOT NULL AND amount IS NULL)", name=op.f('ck_register_tallies_figure_of_item')),
    sa.CheckConstraint('(decisions IS NULL OR decisions >= 0) AND (amount IS NULL OR amount >= 0)', name=op.f('ck_register_tallies_non_negative')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_register_tallies_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_tallies')),
    sa.UniqueConstraint('agency_id', 'year', 'item', name=op.f('uq_register_tallies_agency_id_year_item'))
    )
    op.create_table('stored_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('origin', sa.Enum('generated', 'imported', name='reportorigin', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('source_name', sa.String(length=300), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_stored_reports_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_reports'))
    )
    op.create_index('ix_stored_reports_year', 'stored_reports', ['agency_id', 'year', 'origin'], unique=False)

    op.create_table('appeals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('reconsideration', 'litigation_direct', 'litigation_after_reconsideration', name='appealkind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('outcome', sa.Enum('upheld', 'corrected', 'other', 'pending', name='appealoutcome', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('case_number', sa.String(length=100), nullable=True),
    sa.Column('body', sa.String(length=200), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(outcome = 'pending' AND decided_on IS NULL) OR (outcome <> 'pending' AND decided_on IS NOT NULL)", name=op.f('ck_appeals_decided_with_outcome')),
    sa.CheckConstraint('decided_on IS NULL OR decided_on >= filed_on', name=op.f('ck_appeals_decided_after_filed')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_appeals_agency_id_agencies')),
    sa.ForeignKeyConstraint(['application_id', 'agency_id'], ['applications.id', 'applications.agency_id'], name=op.f('fk_appeals_application_id_agency_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeals'))
    )
    op.create_index('ix_appeals_report', 'appeals', ['agency_id', 'filed_on', 'decided_on'], unique=False)

    op.create_table('application_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('correction_requested', 'correction_received', 'third_party_started', 'third_party_ended', 'other_agency_started', 'other_agency_ended', 'extension', 'fee_notice', 'fee_paid', 'reply', name='eventkind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('approver', sa.String(length=100), nullable=True),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.Column('fee_method', sa.Enum('PER_APPLICATION', 'PER_VOLUME', name='feemethod', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.Column('prior_this_month', sa.Integer(), nullable=True),
    sa.Column('units', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('applicant_received_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=40), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint("outcome IN ('granted', 'partially_granted', 'withheld.state_secret', 'withheld.prohibited_by_law', 'withheld.security_stability', 'withheld.third_party', 'withheld.internal_affairs', 'withheld.deliberative', 'withheld.enforcement_file', 'withheld.query_service', 'unavailable.not_held', 'unavailable.needs_creation', 'unavailable.unclear', 'not_processed.petition', 'not_processed.duplicate', 'not_processed.publication', 'not_processed.excessive', 'not_processed.confirmation', 'other.no_correction', 'other.fee_unpaid', 'other.other')", name=op.f('ck_application_events_outcome_row')),
    sa.CheckConstraint('amount IS NULL OR amount >= 0', name=op.f('ck_application_events_amount_non_negative')),
    sa.CheckConstraint('days IS NULL OR (days >= 1 AND days <= 20)', name=op.f('ck_application_events_extension_days')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_application_events_agency_id_agencies')),
    sa.ForeignKeyConstraint(['application_id', 'agency_id'], ['applications.id', 'applications.agency_id'], name=op.f('fk_application_events_application_id_agency_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_events'))
    )
    op.create_index('ix_application_events_application', 'application_events', ['application_id', 'id'], unique=False)

    op.create_table('publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('portal', 'gazette', 'wechat', 'press_conference', 'media', 'bulletin_board', 'screen', 'reading_room', 'other', name='publicationchannel', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_publications_agency_id_agencies')),
    sa.ForeignKeyConstraint(['item_id', 'agency_id'], ['proactive_items.id', 'proactive_items.agency_id'], name=op.f('fk_publications_item_id_agency_id_proactive_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publications')),
    sa.UniqueConstraint('item_id', 'channel', name=op.f('uq_publications_item_id_channel'))
    )
    op.create_table('review_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Enum('drafter', 'confidentiality', 'leader', name='reviewstepkind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('reviewer', sa.String(length=100), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.Column('decision', sa.Enum('approved', 'returned', 'refused', name='reviewdecision', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_review_steps_agency_id_agencies')),
    sa.ForeignKeyConstraint(['item_id', 'agency_id'], ['proactive_items.id', 'proactive_items.agency_id'], name=op.f('fk_review_steps_item_id_agency_id_proactive_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_steps'))
    )
    op.create_index('ix_review_steps_item', 'review_steps', ['item_id', 'id'], unique=False)



def downgrade() -> None:
    op.drop_index('ix_review_steps_item', table_name='review_steps')

    op.drop_table('review_steps')
    op.drop_table('publications')
    op.drop_index('ix_application_events_application', table_name='application_events')

    op.drop_table('application_events')
    op.drop_index('ix_appeals_report', table_name='appeals')

    op.drop_table('appeals')
    op.drop_index('ix_stored_reports_year', table_name='stored_reports')

    op.drop_table('stored_reports')
    op.drop_table('register_tallies')
    op.drop_index('ix_register_documents_dates', table_name='register_documents')

    op.drop_table('register_documents')
    op.drop_index('ix_proactive_items_published', table_name='proactive_items')

    op.drop_table('proactive_items')
    op.drop_index('ix_applications_report', table_name='applications')
    op.drop_index('ix_applications_open', table_name='applications')
    op.drop_index(op.f('ix_applications_applicant_digest'), table_name='applications')

    op.drop_table('applications')
    op.drop_table('application_counters')
    op.drop_table('agencies')
