"""content model: users, posts, categories, tags, comments

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 15:32:53.431650

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('sort_key', sa.String(length=200), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['categories.id'], name=op.f('fk_categories_parent_id_categories'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_categories')),
    sa.UniqueConstraint('slug', name=op.f('uq_categories_slug'))
    )
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_categories_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_categories_sort_key'), ['sort_key'], unique=False)

    op.create_table('tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tags')),
    sa.UniqueConstraint('slug', name=op.f('uq_tags_slug'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=60), nullable=False),
    sa.Column('display_name', sa.String(length=250), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('admin', 'author')", name=op.f('ck_users_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('login', name=op.f('uq_users_login')),
    sa.UniqueConstraint('slug', name=op.f('uq_users_slug'))
    )
    op.create_table('posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('password', sa.String(length=255), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('format', sa.String(length=20), nullable=False),
    sa.Column('content_html', sa.Text(), nullable=False),
    sa.Column('excerpt', sa.Text(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_local', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('modified_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('comments_open', sa.Boolean(), nullable=False),
    sa.Column('sticky', sa.Boolean(), nullable=False),
    sa.Column('comment_count', sa.Integer(), nullable=False),
    sa.CheckConstraint("format IN ('markdown', 'html')", name=op.f('ck_posts_format')),
    sa.CheckConstraint("status IN ('draft', 'pending', 'private', 'published', 'scheduled', 'trash')", name=op.f('ck_posts_status')),
    sa.CheckConstraint("type IN ('post', 'page')", name=op.f('ck_posts_type')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_posts_author_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posts')),
    sa.UniqueConstraint('type', 'slug', name='uq_posts_type_slug')
    )
    with op.batch_alter_table('posts', schema=None) as batch_op:
        # Listings walk these in date order and test status on the row: visibility
        # is two statuses, and an index led by status could not give date order.
        batch_op.create_index('ix_posts_author_listing', ['author_id', 'type', 'published_at'], unique=False)
        batch_op.create_index('ix_posts_listing', ['type', 'published_at', 'id'], unique=False)
        batch_op.create_index('ix_posts_local_date', ['type', 'published_local'], unique=False)
        batch_op.create_index('ix_posts_sticky', ['type', 'published_at'], unique=False,
                              sqlite_where=sa.text('sticky = 1'),
                              postgresql_where=sa.text('sticky'))
        batch_op.create_index('ix_posts_status', ['type', 'status', 'modified_at'], unique=False)

    op.create_table('comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('held_reason', sa.String(length=200), nullable=False),
    sa.Column('author_name', sa.String(length=250), nullable=False),
    sa.Column('author_email', sa.String(length=254), nullable=False),
    sa.Column('author_url', sa.String(length=500), nullable=False),
    sa.Column('content_html', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('user_agent', sa.String(length=255), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'approved', 'spam', 'trash')", name=op.f('ck_comments_status')),
    sa.CheckConstraint("type IN ('comment', 'pingback', 'trackback')", name=op.f('ck_comments_type')),
    sa.ForeignKeyConstraint(['parent_id'], ['comments.id'], name=op.f('fk_comments_parent_id_comments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_comments_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_comments_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comments_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index('ix_comments_post_thread', ['post_id', 'status', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_comments_status_created', ['status', 'created_at', 'id'], unique=False)

    op.create_table('old_slugs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_old_slugs_post_id_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_old_slugs'))
    )
    with op.batch_alter_table('old_slugs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_old_slugs_post_id'), ['post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_old_slugs_slug'), ['slug'], unique=False)

    op.create_table('post_categories',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_post_categories_category_id_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_categories_post_id_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id', 'category_id', name=op.f('pk_post_categories'))
    )
    with op.batch_alter_table('post_categories', schema=None) as batch_op:
        batch_op.create_index('ix_post_categories_category_post', ['category_id', 'post_id'], unique=False)

    op.create_table('post_tags',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_tags_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_post_tags_tag_id_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id', 'tag_id', name=op.f('pk_post_tags'))
    )
    with op.batch_alter_table('post_tags', schema=None) as batch_op:
        batch_op.create_index('ix_post_tags_tag_post', ['tag_id', 'post_id'], unique=False)

    


def downgrade():
    
    with op.batch_alter_table('post_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_post_tags_tag_post')

    op.drop_table('post_tags')
    with op.batch_alter_table('post_categories', schema=None) as batch_op:
        batch_op.drop_index('ix_post_categories_category_post')

    op.drop_table('post_categories')
    with op.batch_alter_table('old_slugs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_old_slugs_slug'))
        batch_op.drop_index(batch_op.f('ix_old_slugs_post_id'))

    op.drop_table('old_slugs')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_status_created')
        batch_op.drop_index('ix_comments_post_thread')
        batch_op.drop_index(batch_op.f('ix_comments_parent_id'))

    op.drop_table('comments')
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_status')
        batch_op.drop_index('ix_posts_sticky')
        batch_op.drop_index('ix_posts_local_date')
        batch_op.drop_index('ix_posts_listing')
        batch_op.drop_index('ix_posts_author_listing')

    op.drop_table('posts')
    op.drop_table('users')
    op.drop_table('tags')
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_categories_sort_key'))
        batch_op.drop_index(batch_op.f('ix_categories_parent_id'))

    op.drop_table('categories')
    
